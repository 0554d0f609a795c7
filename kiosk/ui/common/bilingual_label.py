"""Mongolian beside Chinese on Kivy screens: a label whose Chinese has a Mongolian text gets that
text drawn on its left as vertical columns (top to bottom, columns left to right), a texture made
by the same shaping code the receipts use (devices.text: HarfBuzz through Pillow's raqm).

`make_bilingual(*roots)` decorates every label under the roots, now and as labels are added or
change their text; a hall whose language is Chinese only never calls it, so its screens are
untouched. A label whose text has no Mongolian stays Chinese alone: never a blank, never a box.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Callable

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.screenmanager import ScreenManager
from PIL import Image

from devices.text import MongolianFontMissing, VerticalMongolian
from kiosk.domain.words_mn import mongolian_for

log = logging.getLogger("bangban.ui")
GAP = 0.3  # of the Mongolian size: between the Mongolian and the Chinese, and around both
FREE_COLUMN = 8  # sizes: a column's length in a label whose height follows its text
SMALLEST = 0.5  # the Mongolian may shrink to this share of the Chinese size to fit its label's height
_MARKUP = re.compile(r"\[/?(?:size|b|i|color|font)[^\]]*\]")
_MARKUP_SIZE = re.compile(r"\[size=(\d+(?:\.\d+)?)\]")


@lru_cache(maxsize=32)
def _engine(size: int) -> VerticalMongolian:
    return VerticalMongolian(size)


def mongolian_texture(text: str, size: int, max_length: int, rgba) -> Texture:
    """The Mongolian as a Kivy texture: coloured ink on transparent paper."""
    ink = tuple(round(c * 255) for c in rgba)
    image = _engine(size).block(text, max_length, ink=ink, paper=(0, 0, 0, 0), mode="RGBA")
    texture = Texture.create(size=image.size, colorfmt="rgba")
    texture.blit_buffer(image.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes(), colorfmt="rgba",
                        bufferfmt="ubyte")
    return texture


class MongolianBeside:
    """One label's Mongolian: drawn in canvas.after, in room made by the label's left padding."""

    def __init__(self, label: Label, lookup=mongolian_for):
        self.label, self.lookup = label, lookup
        self.padding = list(label.padding)  # the label's own, given back when it has no Mongolian
        self.key: tuple | None = None
        self.texture: Texture | None = None
        with label.canvas.after:
            self.colour = Color(1, 1, 1, 1)
            self.rect = Rectangle(size=(0, 0))
        self._refresh = Clock.create_trigger(lambda _dt: self.refresh(), -1)
        label.bind(text=self._refresh, size=self._refresh, font_size=self._refresh, color=self._refresh,
                   pos=self._place, texture_size=self._place)
        self.refresh()

    @property
    def mongolian(self) -> str:
        return self.lookup(self.label.text)

    def sizes(self) -> tuple[int, int]:
        """(Mongolian size, column length). The size is the label's largest Chinese size; in a label
        of fixed height the columns fit that height (the size shrinks a little if a word must), in a
        label that grows with its text (a title) they are FREE_COLUMN sizes long."""
        label = self.label
        given = [float(s) for s in _MARKUP_SIZE.findall(label.text)] if label.markup else []
        size = max([label.font_size, *given])
        if label.size_hint_y is None and not isinstance(label, ButtonBehavior):  # a title: its height follows
            return round(size), round(size * FREE_COLUMN)
        room = label.height * 0.9
        while size > label.font_size * SMALLEST and _engine(round(size)).length(self._longest_word()) > room:
            size *= 0.9
        return round(size), max(round(room), _engine(round(size)).length(self._longest_word()))

    def _longest_word(self) -> str:
        return max(self.mongolian.split(), key=len, default="")

    def refresh(self) -> None:
        label, text = self.label, self.mongolian
        if not text:
            self.texture, self.key = None, None
            label.padding = self.padding
            self.rect.size = (0, 0)
            return
        size, length = self.sizes()
        key = (text, size, length, tuple(label.color))
        if key != self.key:
            self.texture = mongolian_texture(text, size, length, label.color)
            self.key = key
        gap = round(size * GAP)
        left, top, right, bottom = self.padding
        shown = label.texture_size[1] - label.padding[1] - label.padding[3]  # the Chinese lines' height
        rise = max(0, (self.texture.height - shown) / 2) if label.texture_size[1] else 0
        label.padding = [left + self.texture.width + gap, max(top, rise), right, max(bottom, rise)]
        self.rect.texture = self.texture
        self.rect.size = self.texture.size
        self._place()

    def _place(self, *_args) -> None:
        """Just left of the Chinese text, the two centred together as the label aligns its text:
        the left padding made room for the Mongolian and its gap."""
        if self.texture is None:
            return
        label = self.label
        tw, _th = label.texture_size
        if label.size_hint_x is None and label.text_size[0] is None and tw > label.width:
            label.width = tw  # a label of set width (the display's "等候人数") makes room for both
        texture_left = label.center_x - tw / 2  # where Label's own canvas puts its texture
        left_pad, _top, right_pad, _bottom = label.padding
        chinese = _lines_width(label)
        area = tw - left_pad - right_pad  # where the Chinese lines are aligned
        offset = {"center": (area - chinese) / 2, "right": area - chinese}.get(label.halign, 0)
        chinese_left = texture_left + left_pad + max(0, offset)
        x = chinese_left - (left_pad - self.padding[0])  # the room the padding added: Mongolian, then gap
        self.rect.pos = (round(x), round(label.center_y - self.texture.height / 2))

def _lines_width(label: Label) -> float:
    """The widest laid-out line of the label's text (Kivy keeps its lines after a layout)."""
    lines = getattr(label._label, "_cached_lines", None) or []
    return max((line.w for line in lines), default=0)


def with_catalogue(names: Callable[[], dict[str, str]]) -> Callable[[str], str]:
    """The fixed texts' Mongolian, then a catalogue matter's own (``names()``: Chinese name -> name_mn)."""
    def lookup(text: str) -> str:
        found = mongolian_for(text)
        if found:
            return found
        plain = _MARKUP.sub("", text or "").strip()
        if plain.count("\n") > 1:  # a paragraph (the notice) is not a matter's button
            return ""
        return names().get(plain.split("\n")[0].replace("★高频", "").strip(), "")
    return lookup


def decorate(widget, lookup=mongolian_for) -> None:
    if isinstance(widget, Label) and not hasattr(widget, "_mongolian_beside"):
        widget._mongolian_beside = MongolianBeside(widget, lookup)


def _watch(widget, lookup) -> None:
    for child in widget.walk(restrict=True):
        decorate(child, lookup)
        if not getattr(child, "_mongolian_watched", False):
            child._mongolian_watched = True
            child.bind(children=lambda w, children: [_watch(c, lookup) for c in children])
        if isinstance(child, ScreenManager):
            for screen in child.screens:
                _watch(screen, lookup)


def make_bilingual(*roots, lookup=mongolian_for) -> bool:
    """Mongolian beside every label under `roots` that has one; False (and the screens left in
    Chinese alone) when this machine cannot shape Mongolian."""
    try:
        _engine(24)
    except MongolianFontMissing as exc:
        log.error("蒙古文无法显示，只显示中文：%s", exc)
        return False
    for root in roots:
        _watch(root, lookup)
    return True
