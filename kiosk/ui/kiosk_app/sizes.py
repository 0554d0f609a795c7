"""Sizes for the two modes, as one object whose values change when the mode does.

Normal mode already meets the elder rules (domain.md: main text ≥ 18 pt = sp(24), largest
≥ 30 pt = sp(40), targets ≥ 60 dp); elder mode goes bigger still and shows fewer choices per
screen. The values are Kivy properties on purpose: a kv rule reading ``app.sz.text`` is
re-evaluated only when its last link is a property (a plain object's attribute is read once).

A kv rule that overrides a base rule's binding does not remove it: both stay bound, and the
one whose size is set last wins (the base's `text_large` over a QuietButton's `text`, so
buttons kept their elder size after the visit). So a size is bound once, in the base rule,
as ``app.sz.of(self.font_role, app.sz.elder)``; derived rules and instances set only the
role, a name. ``elder`` is set last, so every such rule is evaluated after all sizes changed.
"""
from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, NumericProperty

from kiosk.ui.common.theme import THEME


class KioskSizes(EventDispatcher):
    elder = BooleanProperty(False)
    text = NumericProperty(0)  # body text
    text_small = NumericProperty(0)  # secondary lines, never under 18 pt
    text_large = NumericProperty(0)  # buttons
    title = NumericProperty(0)  # the screen's question
    number = NumericProperty(0)  # the ticket number
    touch = NumericProperty(0)  # the smallest button side
    gap = NumericProperty(0)
    per_page = NumericProperty(8)  # matters or groups on one screen
    columns = NumericProperty(2)  # of the matter grid in portrait

    def __init__(self, elder: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.apply(elder)

    def of(self, role: str, _elder: bool = False) -> float:
        """The size named ``role`` ("text", "title", ...); kv passes ``app.sz.elder`` to be called again."""
        return getattr(self, role)

    def apply(self, elder: bool) -> None:
        if elder:
            values = dict(text=sp(32), text_small=sp(28), text_large=sp(40), title=sp(48), number=sp(150),
                          touch=dp(96), gap=THEME.gap * 1.5, per_page=4, columns=2)
        else:
            values = dict(text=THEME.text, text_small=THEME.text_small, text_large=THEME.text_large,
                          title=THEME.text_title, number=sp(120), touch=max(THEME.touch, dp(80)), gap=THEME.gap,
                          per_page=8, columns=2)
        for name, value in values.items():
            setattr(self, name, value)
        self.elder = elder
