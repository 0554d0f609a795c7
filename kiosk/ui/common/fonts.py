"""Chinese text in Kivy: a chain of CJK fonts, and per text the first one that has every glyph.

Kivy draws a label with one font. WenQuanYi Micro Hei reads well and is small, but lacks
rarer characters that appear in people's names (䶮 U+4DAE, 𠮷 U+20BB7); Noto Sans CJK has
them. Coverage is read by rendering with Pillow (FreeType, the same engine SDL2_ttf uses)
and comparing with the font's .notdef glyph, so no extra package is needed; it is cached
per character.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ImageFont

WQY_MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NOTO_SANS_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
_PROBE_SIZE = 24
_NOT_A_CHARACTER = "\U0010FFFD"  # private use, in no font: renders as .notdef


class FontMissing(Exception):
    def __init__(self, paths: list[Path]):
        super().__init__("找不到中文字体（" + "、".join(str(p) for p in paths)
                         + "），请安装 fonts-wqy-microhei 与 fonts-noto-cjk")
        self.code = "font_missing"


@dataclass
class ChainFont:
    name: str  # the name registered with Kivy
    path: Path
    _face: ImageFont.FreeTypeFont = field(init=False, repr=False)
    _notdef: tuple = field(init=False, repr=False)
    _covers: dict[str, bool] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # index 0: SDL2_ttf (Kivy's text provider) opens a collection's first face too
        self._face = ImageFont.truetype(str(self.path), _PROBE_SIZE, index=0)
        self._notdef = self._signature(_NOT_A_CHARACTER)

    def _signature(self, ch: str) -> tuple:
        mask = self._face.getmask(ch)
        return mask.size, bytes(mask)

    def covers(self, ch: str) -> bool:
        known = self._covers.get(ch)
        if known is None:
            known = ch.isspace() or not ch.isprintable() or self._signature(ch) != self._notdef
            self._covers[ch] = known
        return known


class FontChain:
    """Fonts in order of preference; ``font_for(text)`` names the first that covers all of it."""

    def __init__(self, fonts: list[tuple[str, Path]]):
        present = [(name, Path(path)) for name, path in fonts if Path(path).exists()]
        if not present:
            raise FontMissing([Path(p) for _, p in fonts])
        self.fonts = [ChainFont(name, path) for name, path in present]
        self._lock = threading.Lock()

    @property
    def default(self) -> ChainFont:
        return self.fonts[0]

    def font_for(self, text: str) -> ChainFont:
        """The first font with every character; failing that, the one missing fewest."""
        chars = set(text)
        with self._lock:
            best, best_missing = self.fonts[0], None
            for font in self.fonts:
                missing = sum(1 for ch in chars if not font.covers(ch))
                if missing == 0:
                    return font
                if best_missing is None or missing < best_missing:
                    best, best_missing = font, missing
            return best

    def missing(self, text: str) -> str:
        """Characters no font in the chain has (shown as boxes whatever we do)."""
        with self._lock:
            return "".join(ch for ch in dict.fromkeys(text)
                           if not any(f.covers(ch) for f in self.fonts))


_chain: FontChain | None = None


def cjk_chain() -> FontChain:
    """The hall's chain: WenQuanYi Micro Hei, then Noto Sans CJK. Made once per process."""
    global _chain
    if _chain is None:
        _chain = FontChain([("wqy-microhei", WQY_MICROHEI), ("noto-sans-cjk", NOTO_SANS_CJK)])
    return _chain


def register_with_kivy(chain: FontChain | None = None) -> FontChain:
    """Register every font of the chain under its name, and make the first Kivy's default."""
    from kivy.config import Config
    from kivy.core.text import LabelBase

    chain = chain or cjk_chain()
    for font in chain.fonts:
        LabelBase.register(font.name, str(font.path))
    LabelBase.register("Roboto", str(chain.default.path))  # Kivy's default name: no boxes anywhere
    Config.set("kivy", "default_font", ["Roboto", str(chain.default.path)])
    return chain


def font_name_for(text: str) -> str:
    return cjk_chain().font_for(text or "").name
