"""Pieces the window terminal's Python-built dialogs share: the line that says what happened,
and the row of action buttons, each reachable by its id for the keyboard and the tests."""
from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from kiosk.client import ClientError
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainButton, ChainLabel


def message_line(dialog: Popup) -> ChainLabel:
    """Shows ``dialog.message`` as it changes."""
    said = ChainLabel(font_size=THEME.text_small, size_hint_y=None, height=THEME.touch * 1.2, halign="left")
    said.bind(width=lambda label, width: setattr(label, "text_size", (width, None)))  # wraps inside the dialog
    dialog.bind(message=lambda *_a: setattr(said, "text", dialog.message))
    return said


def action_row(dialog: Popup, actions: list[tuple[str, str, object]]) -> BoxLayout:
    """(id, text, what it does); the first is disabled while ``dialog.working``."""
    row = BoxLayout(size_hint_y=None, height=THEME.touch * 1.2, spacing=THEME.gap)
    for key, text, act in actions:
        button = ChainButton(text=text, font_size=THEME.text)
        button.bind(on_release=lambda _b, a=act: a())
        dialog.ids[key] = button
        row.add_widget(button)
    first = dialog.ids[actions[0][0]]
    dialog.bind(working=lambda *_a: setattr(first, "disabled", dialog.working))
    return row


def run_working(dialog: Popup, work, done) -> None:
    """``work`` on the app's background worker while ``dialog.working``; ``done(result)`` back on
    the UI thread, or the refusal said in ``dialog.message``."""
    dialog.working = True

    def finished(result) -> None:
        dialog.working = False
        done(result)

    def failed(exc: Exception) -> None:
        dialog.working = False
        dialog.message = exc.message if isinstance(exc, ClientError) else f"没有完成（{type(exc).__name__}），请稍后再试"
    dialog.app_.background.run(work, finished, failed)
