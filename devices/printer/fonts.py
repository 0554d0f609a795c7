"""A chain of CJK fonts for raster printing: each character takes the first font that has it.

WenQuanYi Micro Hei is compact and common but lacks rare characters (䶮, 𠮷);
Noto Sans CJK has them. Whether a font has a glyph is decided by comparing the
character's rendering with the font's .notdef box, so no extra library is needed.

Bold text takes a bold face (Noto Sans CJK Bold) where one has the character. Thickening a
regular face by a stroke fills the narrow counters of characters like 昌 and 事 at 24 dots;
where no bold face has the character, `draw_line` emboldens the regular one as a printer's
emphasized mode does, by striking it twice one dot apart.
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
DEFAULT_BOLD_FONTS: tuple[str, ...] = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc#2",)
FONTS_ENV = "BANGBAN_PRINTER_FONTS"  # os.pathsep-separated "path#index" entries
BOLD_FONTS_ENV = "BANGBAN_PRINTER_BOLD_FONTS"
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


def _entries(given, env_name: str, default: tuple[str, ...]) -> list[str]:
    if given:
        return list(given)
    env = os.environ.get(env_name, "")
    return [e for e in env.split(os.pathsep) if e] or list(default)


def _existing(entries: list[str]) -> list[FontSpec]:
    return [FontSpec.parse(e) for e in entries if Path(e.partition("#")[0]).is_file()]


class FontChain:
    def __init__(self, entries: list[str] | tuple[str, ...] | None = None,
                 bold_entries: list[str] | tuple[str, ...] | None = None):
        entries = _entries(entries, FONTS_ENV, DEFAULT_FONTS)
        self.specs = _existing(entries)
        if not self.specs:
            raise FontMissing(f"none of {list(entries)} exists")
        self.bold_specs = _existing(_entries(bold_entries, BOLD_FONTS_ENV, DEFAULT_BOLD_FONTS))

    def spec_for(self, char: str, bold: bool = False) -> FontSpec:
        """The first font that has the character (a bold face first, for bold); the first font if none has it."""
        for spec in (self.bold_specs + self.specs) if bold else self.specs:
            if has_glyph(spec, char):
                return spec
        return self.specs[0]

    def is_bold_face(self, spec: FontSpec) -> bool:
        return spec in self.bold_specs

    def runs(self, text: str, bold: bool = False) -> list[tuple[FontSpec, str]]:
        """Split text into runs that share a font, for drawing run by run."""
        runs: list[tuple[FontSpec, str]] = []
        for char in text:
            spec = self.spec_for(char, bold)
            if runs and runs[-1][0] == spec:
                runs[-1] = (spec, runs[-1][1] + char)
            else:
                runs.append((spec, char))
        return runs

    def text_width(self, text: str, size: int, bold: bool = False) -> int:
        # Per-character advances, cached: wrapping measures many prefixes of the same text.
        return int(sum(self._advance(char, size, bold) for char in text))

    @lru_cache(maxsize=16384)
    def _advance(self, char: str, size: int, bold: bool = False) -> float:
        spec = self.spec_for(char, bold)
        emphasis = 1 if bold and not self.is_bold_face(spec) else 0  # the second strike, one dot right
        return load_font(spec, size).getlength(char) + emphasis


@lru_cache(maxsize=4)
def default_chain() -> FontChain:
    return FontChain()
