"""Where the Mongolian font is, and whether this machine can shape with it.

Noto Sans Mongolian comes with Debian's fonts-noto-core (install.sh installs it).
Shaping needs Pillow built with raqm (HarfBuzz); without it the letters would not join.
"""

from __future__ import annotations

import os
from pathlib import Path

FONT_ENV = "BANGBAN_MONGOLIAN_FONT"
DEFAULT_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSansMongolian-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansMongolian-Regular.ttf",
)


class MongolianFontMissing(RuntimeError):
    """No Mongolian font, or no shaping engine: Mongolian cannot be shown correctly here."""


def find_mongolian_font() -> str | None:
    """The first Mongolian font that exists: $BANGBAN_MONGOLIAN_FONT, then Debian's Noto."""
    for path in (os.environ.get(FONT_ENV, ""), *DEFAULT_FONTS):
        if path and Path(path).is_file():
            return path
    return None


def shaping_available() -> bool:
    from PIL import features

    return bool(features.check("raqm"))


def mongolian_font_usable() -> str | None:
    """None when Mongolian can be shaped here; otherwise what is missing, in Chinese."""
    if not shaping_available():
        return "Pillow 缺少 raqm（HarfBuzz）排版库，蒙古文无法正确连写"
    if find_mongolian_font() is None:
        return "缺少蒙古文字体 Noto Sans Mongolian（apt-get install fonts-noto-core）"
    return None
