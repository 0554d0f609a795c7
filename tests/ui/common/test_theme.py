"""Sizes and colours for older eyes (domain.md): 18 pt text, 60 dp targets, 4.5:1 contrast."""
from __future__ import annotations

from kivy.metrics import dp, sp

from kiosk.ui.common.theme import THEME, contrast


def test_text_and_touch_targets_are_large_enough():
    eighteen_pt = sp(24)  # 18 pt = 24 px at Kivy's 96 dpi reference
    assert min(THEME.text, THEME.text_small, THEME.text_large, THEME.text_title) >= eighteen_pt
    assert THEME.text_title >= sp(40)  # the largest text at least 30 pt
    assert THEME.touch >= dp(60)


def test_every_colour_pair_in_use_has_contrast_4_5_to_1():
    pairs = {
        "text": (THEME.ink, THEME.background), "muted text": (THEME.ink_muted, THEME.background),
        "text on panel": (THEME.ink, THEME.panel), "latest call": (THEME.accent, THEME.panel),
        "error": (THEME.alert, THEME.background), "good news": (THEME.good, THEME.background), "button": (THEME.button_ink, THEME.button),
        "priority": (THEME.priority, THEME.panel), "stale call": (THEME.stale, THEME.panel),
        "muted on panel": (THEME.ink_muted, THEME.panel),
    }
    low = {name: round(contrast(a, b), 2) for name, (a, b) in pairs.items() if contrast(a, b) < 4.5}
    assert low == {}


def test_contrast_formula_matches_wcag_examples():
    assert round(contrast((1, 1, 1), (0, 0, 0)), 1) == 21.0
    assert round(contrast((0.4627, 0.4627, 0.4627), (1, 1, 1)), 1) == 4.5  # #767676 on white
