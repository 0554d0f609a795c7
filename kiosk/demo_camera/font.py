"""The font the synthetic documents are printed in (WenQuanYi, which install.sh puts on every machine)."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@lru_cache(maxsize=32)
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size)
