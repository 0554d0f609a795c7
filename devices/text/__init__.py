"""Text the printer's and the screens' own fonts cannot set: traditional Mongolian, shaped by
HarfBuzz (Pillow's raqm layout) and laid out vertically, top to bottom, columns left to right."""

from .mongolian_font import MongolianFontMissing, find_mongolian_font, mongolian_font_usable
from .vertical_mongolian import VerticalMongolian, has_mongolian

__all__ = ["MongolianFontMissing", "VerticalMongolian", "find_mongolian_font", "has_mongolian",
           "mongolian_font_usable"]
