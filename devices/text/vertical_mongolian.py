"""Traditional Mongolian set vertically: shaped by HarfBuzz (Pillow's raqm layout), each column
running top to bottom, the columns running left to right.

Fonts draw Mongolian lying on its side, as a horizontal left-to-right line, so a column is that
line shaped whole (joining forms, free variation selectors U+180B–U+180D and U+180F, the
vowel separator U+180E and the narrow no-break space U+202F before suffixes are all the
engine's) and turned a quarter clockwise: its start goes to the top. Nothing here places a
glyph; the engine does. Characters the Mongolian font lacks (digits, Latin) are shaped as runs
of a fallback font in the same line, never drawn as boxes.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .mongolian_font import MongolianFontMissing, find_mongolian_font, shaping_available

MONGOLIAN = re.compile("[\u1800-\u18af]")
FALLBACK_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
_BREAKS = re.compile(r"[ \n]+")  # only a plain space or a newline: U+202F and U+180E never break
_NOTDEF_PROBE = "\U0010fffd"
COLUMN_GAP = 0.25  # of the font size, between columns
INK_ABOVE, INK_BELOW = 1.05, 0.3  # of the font size: the room a line keeps above and below its baseline


def has_mongolian(text: str) -> bool:
    return bool(MONGOLIAN.search(text or ""))


@lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


class VerticalMongolian:
    """One font size of vertical Mongolian: measure, break into columns, render."""

    def __init__(self, size: int, font_path: str | None = None):
        path = font_path or find_mongolian_font()
        if path is None:
            raise MongolianFontMissing("缺少蒙古文字体 Noto Sans Mongolian（apt-get install fonts-noto-core）")
        if not shaping_available():
            raise MongolianFontMissing("Pillow 缺少 raqm（HarfBuzz）排版库，蒙古文无法正确连写")
        self.size = size
        self.font = _font(path, size)
        fallback = next((p for p in FALLBACK_FONTS if Path(p).is_file()), None)
        self.fallback = _font(fallback, size) if fallback else None
        # The font's ascent leaves room for rare letters (Ali Gali's, 1.46 em): a column that wide
        # stands its neighbours far apart. Mongolian as written reaches 0.96 em up, 0.27 em down.
        self.ascent = math.ceil(size * INK_ABOVE)
        self.column_width = self.ascent + math.ceil(size * INK_BELOW)  # the horizontal line's height, turned

    # -- measuring -------------------------------------------------------------------------
    def runs(self, text: str) -> list[tuple[ImageFont.FreeTypeFont, str]]:
        """The text split where the Mongolian font lacks a character; each run shaped whole."""
        runs: list[tuple[ImageFont.FreeTypeFont, str]] = []
        for char in text:
            font = self.font if self.fallback is None or _covers(self.font, char) else self.fallback
            if runs and runs[-1][0] is font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs

    def length(self, text: str) -> int:
        """How tall a column of `text` is, in pixels (the shaped advances)."""
        return math.ceil(sum(font.getlength(run, direction="ltr") for font, run in self.runs(text)))

    def columns(self, text: str, max_length: int) -> list[str]:
        """`text` broken at spaces into columns no taller than `max_length`; a word taller than a
        whole column stands alone in its own (a Mongolian word is never cut)."""
        columns: list[str] = []
        for word in _BREAKS.split(text.strip()):
            if columns and self.length(columns[-1] + " " + word) <= max_length:
                columns[-1] += " " + word
            elif word:
                columns.append(word)
        return columns

    # -- rendering -------------------------------------------------------------------------
    def line(self, text: str, ink=0, paper=255, mode: str = "L") -> Image.Image:
        """The text as the font draws it: one horizontal left-to-right line, shaped."""
        image = Image.new(mode, (max(1, self.length(text)), self.column_width), paper)
        draw = ImageDraw.Draw(image)
        x = 0.0
        for font, run in self.runs(text):
            draw.text((x, self.ascent), run, font=font, fill=ink, anchor="ls", direction="ltr")
            x += font.getlength(run, direction="ltr")
        return image

    def column(self, text: str, ink=0, paper=255, mode: str = "L") -> Image.Image:
        """One column: the shaped line turned a quarter clockwise, so it reads top to bottom."""
        return self.line(text, ink, paper, mode).transpose(Image.Transpose.ROTATE_270)

    def block(self, text: str, max_length: int, ink=0, paper=255, mode: str = "L",
              gap: int | None = None) -> Image.Image:
        """Columns of `text` no taller than `max_length`, left to right, tops aligned."""
        gap = round(self.size * COLUMN_GAP) if gap is None else gap
        columns = [self.column(c, ink, paper, mode) for c in self.columns(text, max_length)] or [
            Image.new(mode, (1, 1), paper)]
        width = sum(c.width for c in columns) + gap * (len(columns) - 1)
        image = Image.new(mode, (width, max(c.height for c in columns)), paper)
        x = 0
        for column in columns:
            image.paste(column, (x, 0))
            x += column.width + gap
        return image


def _covers(font: ImageFont.FreeTypeFont, char: str) -> bool:
    return _covered(font.path, font.size, char)


@lru_cache(maxsize=4096)
def _covered(path: str, size: int, char: str) -> bool:
    if char.isspace() or MONGOLIAN.match(char) or char == "\u202f":
        return True
    font = _font(path, size)
    return _mask(font, char) != _mask(font, _NOTDEF_PROBE)


def _mask(font: ImageFont.FreeTypeFont, char: str) -> tuple:
    mask = font.getmask(char)
    return mask.size, bytes(mask)
