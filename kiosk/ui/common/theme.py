"""Sizes and colours for older eyes (domain.md, last section): main text at least 18 pt,
touch targets at least 60 x 60 dp, contrast at least 4.5:1. The kv files read these
through ``app.theme``."""
from __future__ import annotations

from dataclasses import dataclass

from kivy.metrics import dp, sp


def _rgba(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)) + (alpha,)


def relative_luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Theme:
    # text, in sp: 18 pt is 24 px at 96 dpi, so nothing is smaller than sp(24)
    text: float = sp(26)
    text_small: float = sp(24)  # secondary lines; still 18 pt
    text_large: float = sp(32)
    text_title: float = sp(40)
    touch: float = dp(64)  # the smallest button side
    gap: float = dp(12)
    # colours: pairs used together are checked for 4.5:1 in the tests
    background: tuple = _rgba("#10243E")  # deep blue, the hall's signage colour
    panel: tuple = _rgba("#1B3558")
    ink: tuple = _rgba("#FFFFFF")
    ink_muted: tuple = _rgba("#C9D6E8")
    accent: tuple = _rgba("#FFD34D")  # the latest call
    alert: tuple = _rgba("#FFB4A8")  # error text on the dark background
    good: tuple = _rgba("#A8F0B4")  # "restored": good news, never in the error colour
    button: tuple = _rgba("#2F6DB5")
    button_ink: tuple = _rgba("#FFFFFF")
    priority: tuple = _rgba("#FFB870")
    stale: tuple = _rgba("#A3AFBF")  # a call shown while the server is away: greyed


THEME = Theme()
