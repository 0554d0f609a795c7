"""The two choices a helper makes in a dialog: where to transfer, and how a service ended."""
from __future__ import annotations

from typing import Callable

from kivy.properties import BooleanProperty
from kivy.uix.popup import Popup

from kiosk.domain.ticket_states import ACTION_NAMES, OUTCOMES
from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainButton


class ChoiceDialog(Popup):
    with_note = BooleanProperty(False)

    def __init__(self, title: str, choices: list[tuple[str, object]], on_choose: Callable[[object, str], None],
                 *, with_note: bool = False, **kwargs):
        super().__init__(title=title, with_note=with_note, **kwargs)
        self.title_font = font_name_for(title)
        self.on_choose = on_choose
        for label, value in choices:
            button = ChainButton(text=label, font_size=THEME.text, background_normal="",
                                 background_color=THEME.button, color=THEME.button_ink)
            button.bind(on_release=lambda _b, v=value: self.choose(v))
            self.ids.choices.add_widget(button)

    def choose(self, value: object) -> None:
        note = self.ids.note.text.strip()
        self.dismiss()
        self.on_choose(value, note)


def transfer_dialog(windows: list[dict], queues: list[dict], own_window: int,
                    on_choose: Callable[[object, str], None], halls: list[dict] = ()) -> ChoiceDialog:
    """Values are ("window", n), ("queue", id) or ("hall", code): a hall one level up or down."""
    # the halls first: few, and they would otherwise sit below the fold under a dozen windows and queues
    choices = [(f"转{'上' if h['relation'] == 'parent' else '下'}级大厅 · {h['name']}", ("hall", h["code"]))
               for h in halls]
    choices += [(f"{w['number']} 号窗口 · {w['name']}", ("window", w["number"]))
                for w in windows if w["number"] != own_window]
    choices += [(f"{q['prefix']} 队列 · {q['name']}", ("queue", q["id"])) for q in queues]
    return ChoiceDialog("转办到（窗口、队列排在对方队首；或转上下级大厅。仍由您负责）", choices, on_choose, with_note=True)


def finish_dialog(on_choose: Callable[[object, str], None]) -> ChoiceDialog:
    return ChoiceDialog(f"{ACTION_NAMES['finish']}：请选择结果", [(name, code) for code, name in OUTCOMES.items()], on_choose)
