"""Widgets whose font follows their text through the CJK chain (see fonts.py).
Importing this module registers them with Kivy's Factory for use in .kv files."""
from __future__ import annotations

from kivy.factory import Factory
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput
from kivy.uix.togglebutton import ToggleButton

from .fonts import font_name_for


class _FollowsText:
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(text=self._pick_font)
        self._pick_font(self, self.text)

    def _pick_font(self, _widget, text: str) -> None:
        name = font_name_for(text)
        if self.font_name != name:
            self.font_name = name


class ChainLabel(_FollowsText, Label):
    pass


class ChainButton(_FollowsText, Button):
    pass


class ChainToggleButton(_FollowsText, ToggleButton):
    pass


class ChainTextInput(_FollowsText, TextInput):
    pass


for _cls in (ChainLabel, ChainButton, ChainToggleButton, ChainTextInput):
    Factory.register(_cls.__name__, cls=_cls)
