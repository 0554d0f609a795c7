"""补正材料一次性告知 (F11): the helper ticks the materials the citizen brought, from the called
ticket's matter list, and prints the slip naming every one still missing, at once and in writing
(seed 000: 一次性书面告知需要补充的全部内容). The server says which are missing and the slip is
printed on the window's printer; a printer fault keeps the choices for another try."""
from __future__ import annotations

from datetime import datetime

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup
from kivy.uix.scrollview import ScrollView

from devices.printer import MissingMaterialsNotice, PrinterError, ReceiptPrinter
from kiosk.client import ClientError
from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainLabel, ChainTextInput, ChainToggleButton

from .dialog_parts import action_row, message_line

KEY = 292  # F11
HAVE, MISSING = "● 已收到", "○ 未收到"  # the mark, not the colour, says which


def material_text(name: str, have: bool) -> str:
    return f"{HAVE if have else MISSING}　{name}"


def notice_from(slip: dict) -> MissingMaterialsNotice:
    """The printer's data from the server's answer (kiosk.wire.supervision.MissingMaterialsSlip)."""
    return MissingMaterialsNotice(
        hall_name=slip["hall"], matter_name=slip["matter"], department=slip["department"],
        missing=slip["missing"], have=slip["have"], issued_at=datetime.fromisoformat(slip["issued_at"]),
        time_limit_days=slip["time_limit_days"], address=slip["address"], phone=slip["phone"] or slip["hall_phone"],
        ticket_number=slip["ticket_number"] or "", helper_name=slip["helper"] or "", window=slip["window"],
        note=slip["note"])


class MissingMaterialsDialog(Popup):
    message = StringProperty("")
    working = BooleanProperty(False)

    def __init__(self, app, ticket: dict, matter: dict, **kwargs):
        super().__init__(title=f"补正材料一次性告知 · {ticket.get('number', '')}", size_hint=(0.7, 0.9), **kwargs)
        self.title_font = font_name_for(self.title)
        self.app_, self.ticket, self.matter = app, ticket, matter
        self.materials: list[str] = list(matter.get("materials") or [])
        self.have: set[str] = set()
        self.inputs: dict[str, ChainTextInput] = {}
        self.content = self._layout()
        if not self.materials:
            self.message = "该事项的清单中没有列出材料，无需告知"
        elif app.printer_config is None:
            self.message = "本窗口未配置打印机"
        else:
            self.message = "请点选申请人已带来的材料，其余将全部列入告知单"

    def _layout(self) -> BoxLayout:
        body = BoxLayout(orientation="vertical", spacing=THEME.gap, padding=THEME.gap)
        body.add_widget(ChainLabel(text=f"办理事项：{self.matter.get('name', '')}", font_size=THEME.text,
                                   color=THEME.ink, size_hint_y=None, height=THEME.touch, halign="left",
                                   text_size=(None, None)))
        rows = BoxLayout(orientation="vertical", spacing=THEME.gap / 2, size_hint_y=None)
        rows.bind(minimum_height=rows.setter("height"))
        for index, name in enumerate(self.materials):
            button = ChainToggleButton(text=material_text(name, False), font_size=THEME.text_small,
                                       size_hint_y=None, height=THEME.touch, halign="left",
                                       text_size=(THEME.touch * 12, None))
            button.bind(on_release=lambda b, n=name: self.toggle(n, b))
            self.ids[f"have_{index}"] = button
            rows.add_widget(button)
        scroll = ScrollView()
        scroll.add_widget(rows)
        body.add_widget(scroll)
        note = ChainTextInput(hint_text="说明（可不填），如：原件核验后退还", font_size=THEME.text_small,
                              size_hint_y=None, height=THEME.touch, multiline=False)
        self.inputs["note"] = note
        body.add_widget(note)
        body.add_widget(message_line(self))
        body.add_widget(action_row(self, [("print_button", "打印告知单", self.print_slip),
                                          ("close_button", "关闭", self.dismiss)]))
        return body

    def toggle(self, name: str, button) -> None:
        self.have ^= {name}
        button.text = material_text(name, name in self.have)

    def values(self) -> dict:
        return {"materials": self.materials, "have": [m for m in self.materials if m in self.have],
                "missing": [m for m in self.materials if m not in self.have]}

    def print_slip(self) -> None:
        app = self.app_
        if self.working or not self.materials:
            return
        if app.printer_config is None:
            self.message = "本窗口未配置打印机"
            return
        self.working, self.message = True, "正在打印…"
        have, note = self.values()["have"], self.inputs["note"].text.strip()
        ticket_id, matter_id = self.ticket["id"], self.matter["id"]
        api, config = app.helper_api, app.printer_config
        app.background.run(lambda: api.missing_materials(matter_id, have, ticket_id=ticket_id, note=note),
                           lambda slip: app.device_work.run(
                               lambda: ReceiptPrinter(config).print_missing_materials(notice_from(slip)),
                               lambda _r: self._printed(slip), self._failed),
                           self._failed)

    def _printed(self, slip: dict) -> None:
        self.working = False
        count = len(slip["missing"])
        self.message = (f"告知单已打印：还需补充 {count} 项材料，请交给申请人" if count
                        else "告知单已打印：材料已齐全")

    def _failed(self, exc: Exception) -> None:
        self.working = False
        if isinstance(exc, (PrinterError, ClientError)):
            self.message = exc.message
        else:
            self.message = f"告知单没有打印（{type(exc).__name__}），请重试或联系管理员"


def open_for_key(app, key: int) -> bool:
    """F11 on the serve screen, with a ticket in hand whose matter the catalogue knows."""
    if key != KEY or app.helper_api is None:
        return False
    screen = app.serve_screen
    ticket = screen.ticket
    matter = app.matters.get((ticket or {}).get("matter_id"))
    if not ticket or matter is None:
        screen.say("请先叫号：告知单按号上所选事项的材料清单填写", error=True)
        return True
    dialog = MissingMaterialsDialog(app, ticket, matter)
    screen.dialog_open = True
    dialog.bind(on_dismiss=lambda *_a: setattr(screen, "dialog_open", False))
    dialog.open()
    return True
