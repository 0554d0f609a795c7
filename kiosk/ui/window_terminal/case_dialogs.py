"""One dialog for every form the case panel asks: entrust, a 移交清单 line, suspend, terminate,
a problem, delivery by post, a referral. Its fields are case_entrust.Field rows; choices are
buttons marked ● when chosen (not by colour alone). ``on_submit(values)`` returns the problems
found (the dialog stays open and says them) or nothing (the dialog closes)."""
from __future__ import annotations

from typing import Callable

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.popup import Popup
from kivy.uix.stacklayout import StackLayout

from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainLabel, ChainTextInput, ChainToggleButton

from .case_entrust import Field

CHOSEN, NOT_CHOSEN = "● ", "○ "


class ChoiceRow(StackLayout):
    """Buttons for one choice; ``value`` is the chosen one's."""

    def __init__(self, field: Field, group: str, **kwargs):
        super().__init__(size_hint_y=None, spacing=THEME.gap * 0.5, **kwargs)
        self.bind(minimum_height=self.setter("height"))
        self.buttons: dict[str, ChainToggleButton] = {}
        for value, label in field.choices:
            button = ChainToggleButton(group=group, allow_no_selection=False, font_size=THEME.text_small,
                                       size_hint=(None, None), height=THEME.touch,
                                       state="down" if value == field.value else "normal")
            button.label = label
            button.bind(state=lambda b, _s: self._mark(b))
            self._mark(button)
            self.buttons[value] = button
            self.add_widget(button)

    @staticmethod
    def _mark(button) -> None:
        button.text = (CHOSEN if button.state == "down" else NOT_CHOSEN) + button.label
        button.width = max(THEME.touch * 1.6, THEME.text_small * (len(button.text) + 1.5))

    @property
    def value(self) -> str:
        return next((v for v, b in self.buttons.items() if b.state == "down"), "")

    def choose(self, value: str) -> None:
        for v, button in self.buttons.items():
            button.state = "down" if v == value else "normal"


class CaseFormDialog(Popup):
    message = StringProperty("")
    message_is_error = BooleanProperty(False)
    submit_text = StringProperty("确定")
    working = BooleanProperty(False)

    def __init__(self, title: str, fields: list[Field], on_submit: Callable[[dict], list[str] | None],
                 *, submit_text: str = "确定", note: str = "", **kwargs):
        super().__init__(title=title, submit_text=submit_text, **kwargs)
        self.title_font = font_name_for(title)
        self.on_submit = on_submit
        self.inputs: dict[str, object] = {}
        grid = self.ids.fields
        for index, field in enumerate(fields):
            # top-aligned: beside a tall row of choices the label stays by its first line
            label = ChainLabel(text=field.label + ("" if field.required else "（可不填）"),
                               font_size=THEME.text_small, color=THEME.ink_muted, halign="right", valign="top",
                               size_hint=(None, None), width=THEME.touch * 5, height=THEME.touch,
                               padding=(0, (THEME.touch - THEME.text_small * 1.4) / 2))
            label.bind(size=lambda w, size: setattr(w, "text_size", size))
            label.text_size = label.size
            grid.add_widget(label)
            if field.choices:
                box = ChoiceRow(field, group=f"{id(self)}-{index}")
            else:
                box = ChainTextInput(text=field.value, font_size=THEME.text_small, multiline=field.multiline,
                                     write_tab=False, hint_text=field.hint, size_hint_y=None,
                                     height=THEME.touch * (2.4 if field.multiline else 1))
            box.bind(height=label.setter("height"))
            self.inputs[field.name] = box
            grid.add_widget(box)
        self.say(note)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    def values(self) -> dict[str, str]:
        return {name: (box.value if isinstance(box, ChoiceRow) else box.text) for name, box in self.inputs.items()}

    def fill(self, name: str, text: str) -> None:
        box = self.inputs[name]
        box.choose(text) if isinstance(box, ChoiceRow) else setattr(box, "text", text)

    def submit(self) -> None:
        if self.working:
            return
        problems = self.on_submit(self.values())
        if problems:
            self.say("；".join(problems), error=True)
        else:
            self.dismiss()
