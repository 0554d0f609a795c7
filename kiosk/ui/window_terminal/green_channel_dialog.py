"""绿色通道 (F12): a coordinator or the chief puts a citizen waiting in this window's line ahead,
with the reason said and audited. The kiosk leaves the green channel out on purpose: staff
grant it, never the citizen (domain.md)."""
from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from kiosk.client import ClientError
from kiosk.domain.roles import SUPERVISOR_ROLES
from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainTextInput, ChainToggleButton

from .dialog_parts import action_row, message_line
from .serve_screen import next_line

KEY = 293  # F12
ONLY_SUPERVISORS = "绿色通道只能由协调员或首席帮办代办员开通"


class GreenChannelDialog(Popup):
    message = StringProperty("")
    working = BooleanProperty(False)

    def __init__(self, app, waiting: list[dict], **kwargs):
        super().__init__(title="开通绿色通道（本窗口等候中的号）", size_hint=(0.6, 0.85), **kwargs)
        self.title_font = font_name_for(self.title)
        self.app_, self.waiting, self.chosen = app, waiting, None
        self.inputs: dict[str, ChainTextInput] = {}
        body = BoxLayout(orientation="vertical", spacing=THEME.gap, padding=THEME.gap)
        for index, item in enumerate(waiting):
            button = ChainToggleButton(text=next_line(item), group="green_channel", font_size=THEME.text_small,
                                       size_hint_y=None, height=THEME.touch, allow_no_selection=False)
            button.bind(on_release=lambda b, i=item: self.choose(i, b))
            self.ids[f"ticket_{index}"] = button
            body.add_widget(button)
        reason = ChainTextInput(hint_text="开通原因（必填），如：重点项目负责人、急需就医", font_size=THEME.text_small,
                                size_hint_y=None, height=THEME.touch, multiline=False)
        self.inputs["reason"] = reason
        body.add_widget(BoxLayout())  # the list at the top, the reason and buttons at the bottom
        body.add_widget(reason)
        body.add_widget(message_line(self))
        body.add_widget(action_row(self, [("grant_button", "开通", self.grant), ("close_button", "关闭", self.dismiss)]))
        self.content = body
        self.message = "请选择一个号，并写明原因" if waiting else "本窗口现在没有等候的号"

    def choose(self, item: dict, button) -> None:
        self.chosen, button.state = item, "down"
        for other in self.ids.values():  # the chosen one also marked in words, not by its shade alone
            if isinstance(other, ChainToggleButton):
                other.text = ("● " if other is button else "") + other.text.removeprefix("● ")

    def values(self) -> dict:
        return {"waiting": [i["number"] for i in self.waiting], "chosen": self.chosen and self.chosen["number"]}

    def grant(self) -> None:
        reason = self.inputs["reason"].text.strip()
        if self.working:
            return
        if self.chosen is None or not reason:
            self.message = "请选择一个号，并写明原因"
            return
        self.working, self.message = True, "正在开通…"
        api, ticket_id = self.app_.helper_api, self.chosen["id"]
        self.app_.background.run(lambda: api.grant_green_channel(ticket_id, reason), self._granted, self._failed)

    def _granted(self, granted: dict) -> None:
        self.working = False
        ahead = granted["ahead"]
        self.message = f"{granted['number']} 已开通绿色通道，" + (f"前面还有 {ahead} 人" if ahead else "将下一个叫到")
        self.app_.serve_screen.refresh()

    def _failed(self, exc: Exception) -> None:
        self.working = False
        self.message = exc.message if isinstance(exc, ClientError) else f"没有开通（{type(exc).__name__}），请重试"


def open_for_key(app, key: int) -> bool:
    """F12 on the serve screen; only a coordinator or the chief may grant."""
    if key != KEY or app.helper_api is None:
        return False
    screen = app.serve_screen
    if (app.helper or {}).get("role") not in SUPERVISOR_ROLES:
        screen.say(ONLY_SUPERVISORS, error=True)
        return True
    dialog = GreenChannelDialog(app, list(screen.line.get("next", []))[:8])
    screen.dialog_open = True
    dialog.bind(on_dismiss=lambda *_a: setattr(screen, "dialog_open", False))
    dialog.open()
    return True
