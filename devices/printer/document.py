"""A receipt as a list of blocks, before any printer language: what the templates produce.

Text is unwrapped here; each encoder wraps it to the paper it prints on,
because a Chinese character's width differs between printer fonts and raster fonts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    text: str
    scale: int = 1  # 1..8 times the normal 24-dot line height
    bold: bool = False
    align: Align = "left"


@dataclass(frozen=True)
class Field:
    """"标签：内容", with continuation lines indented under the content (also "1. item")."""

    label: str
    value: str
    separator: str = "："

    @property
    def head(self) -> str:
        return self.label + self.separator


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class QRCode:
    data: str
    module_dots: int = 6  # one QR module, in printer dots


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Picture:
    """A bitmap printed as it is (white paper, black ink), e.g. shaped Mongolian text."""

    image: object  # a PIL.Image in mode "L"
    align: Align = "left"


Block = Text | Field | Rule | QRCode | Feed | Picture


@dataclass
class Document:
    """Blocks printed top to bottom, then a cut."""

    title: str  # for logs and file names, not printed
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> "Document":
        self.blocks.extend(blocks)
        return self
