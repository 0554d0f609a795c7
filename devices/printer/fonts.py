"""A chain of CJK fonts for raster printing: each character takes the first font that has it.

WenQuanYi Micro Hei is compact and common but lacks rare characters (䶮, 𠮷);
Noto Sans CJK has them. Whether a font has a glyph is decided by comparing the
character's rendering with the font's .notdef box, so no extra library is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from .errors import FontMissing

# (path, face index): the SC face of the Noto collection is index 2.
DEFAULT_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#0",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf#0",
)
FONTS_ENV = "BANGBAN_PRINTER_FONTS"  # os.pathsep-separated "path#index" entries
_NOTDEF_PROBE = "\U0010fffd"  # a private-use code point no CJK font maps


@dataclass(frozen=True)
class FontSpec:
    path: str
    index: int = 0

    @classmethod
    def parse(cls, entry: str) -> "FontSpec":
        path, _, index = entry.partition("#")
        return cls(path, int(index or 0))


@lru_cache(maxsize=64)
def load_font(spec: FontSpec, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(spec.path, size, index=spec.index)


def _signature(font: ImageFont.FreeTypeFont, char: str) -> tuple:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


@lru_cache(maxsize=8192)
def has_glyph(spec: FontSpec, char: str) -> bool:
    if char.isspace():
        return True
    font = load_font(spec, 24)
    return _signature(font, char) != _signature(font, _NOTDEF_PROBE)


class FontChain:
    def __init__(self, entries: list[str] | tuple[str, ...] | None = None):
        if not entries:
            env = os.environ.get(FONTS_ENV, "")
            entries = [e for e in env.split(os.pathsep) if e] or list(DEFAULT_FONTS)
        self.specs = [FontSpec.parse(e) for e in entries if Path(e.partition("#")[0]).is_file()]
        if not self.specs:
            raise FontMissing(f"none of {list(entries)} exists")

    def spec_for(self, char: str) -> FontSpec:
        """The first font that has the character; the first font if none has it."""
        for spec in self.specs:
            if has_glyph(spec, char):
                return spec
        return self.specs[0]

    def runs(self, text: str) -> list[tuple[FontSpec, str]]:
        """Split text into runs that share a font, for drawing run by run."""
        runs: list[tuple[FontSpec, str]] = []
        for char in text:
            spec = self.spec_for(char)
            if runs and runs[-1][0] == spec:
                runs[-1] = (spec, runs[-1][1] + char)
            else:
                runs.append((spec, char))
        return runs

    def text_width(self, text: str, size: int) -> int:
        # Per-character advances, cached: wrapping measures many prefixes of the same text.
        return int(sum(self._advance(char, size) for char in text))

    @lru_cache(maxsize=16384)
    def _advance(self, char: str, size: int) -> float:
        return load_font(self.spec_for(char), size).getlength(char)


@lru_cache(maxsize=4)
def default_chain() -> FontChain:
    return FontChain()
