"""Printing a form for the ticket in hand: choose the form, check the values filled in from
the ticket, its case and the helper, type what is missing, print on the window's printer.
A printer fault is shown in its own Chinese words and the values stay for another try."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.popup import Popup

from devices.printer import PrinterError, ReceiptPrinter
from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainLabel, ChainTextInput, ChainToggleButton

from .form_fill import FORM_NAMES, Facts, FormIncomplete, build_form, fields_for

NO_PRINTER = "本窗口未配置打印机"


class PrintDialog(Popup):
    kind = StringProperty("acceptance")
    message = StringProperty("")
    message_is_error = BooleanProperty(False)
    printing = BooleanProperty(False)
    has_printer = BooleanProperty(True)

    def __init__(self, facts: Facts, printer_config: dict | None, **kwargs):
        super().__init__(title=f"打印表单 · {facts.ticket.get('number', '')}", **kwargs)
        self.title_font = font_name_for(self.title)
        self.facts, self.printer_config = facts, printer_config
        self.has_printer = printer_config is not None
        self.inputs: dict[str, ChainTextInput] = {}
        for kind, name in FORM_NAMES.items():
            button = ChainToggleButton(text=name, group="form_kind", font_size=THEME.text_small,
                                       state="down" if kind == self.kind else "normal", allow_no_selection=False)
            button.bind(on_release=lambda _b, k=kind: self.choose(k))
            self.ids.kinds.add_widget(button)
        self.choose(self.kind)
        if not self.has_printer:
            self.say(NO_PRINTER, error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    def choose(self, kind: str) -> None:
        """Show this form's fields; values typed for another form carry over where names match."""
        typed = {name: field.text for name, field in self.inputs.items()}
        self.kind = kind
        grid = self.ids.fields
        grid.clear_widgets()
        self.inputs = {}
        for field in fields_for(kind, self.facts):
            label = field.label + ("" if field.required else "（可不填）")
            grid.add_widget(ChainLabel(text=label, font_size=THEME.text_small, color=THEME.ink_muted,
                                       halign="right", valign="middle", text_size=(THEME.touch * 5, None),
                                       size_hint=(None, None), width=THEME.touch * 5, height=THEME.touch))
            multiline = field.kind == "list"
            box = ChainTextInput(text=typed.get(field.name) or field.value, font_size=THEME.text_small,
                                 multiline=multiline, write_tab=False,
                                 hint_text="必填" if field.required else "", size_hint_y=None,
                                 height=THEME.touch * (1.6 if multiline else 1))
            box.bind(text=lambda *_a: self.show_missing())
            self.inputs[field.name] = box
            grid.add_widget(box)
        self.show_missing()

    def show_missing(self) -> None:
        """What is still empty, said as it is typed, so no stale warning stays on screen."""
        if not self.has_printer or self.printing:
            return
        empty = [f.label for f in fields_for(self.kind, self.facts)
                 if f.required and not self.inputs[f.name].text.strip()]
        self.say(("请补全：" + "、".join(empty)) if empty else f"{FORM_NAMES[self.kind]}已填好，请核对后打印",
                 error=bool(empty))

    def values(self) -> dict[str, str]:
        return {name: box.text for name, box in self.inputs.items()}

    def print_form(self) -> None:
        if not self.has_printer:
            self.say(NO_PRINTER, error=True)
            return
        if self.printing:
            return
        try:
            form = build_form(self.kind, self.values())
        except FormIncomplete as exc:
            self.say(exc.message, error=True)
            return
        self.printing = True
        self.say("正在打印…")
        config, name = self.printer_config, FORM_NAMES[self.kind]
        App.get_running_app().device_work.run(lambda: ReceiptPrinter(config).print_form(form),
                                              lambda _r: self._printed(name), self._failed)

    def _printed(self, name: str) -> None:
        self.printing = False
        self.say(f"{name}已打印，请取纸核对后签字")

    def _failed(self, exc: Exception) -> None:
        self.printing = False
        text = exc.message if isinstance(exc, PrinterError) else f"打印未完成（{type(exc).__name__}），请重试或联系管理员"
        self.say(text, error=True)
