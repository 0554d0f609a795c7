"""Locked down: no way out but the admin PIN. Holding the top-left corner for a few seconds
opens a PIN pad; the right PIN offers "退出程序" and "重新打印上一张凭条"."""
from __future__ import annotations

import hmac

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget

HOLD_S = 3.0


class AdminCorner(Widget):
    """Invisible; swallows touches in its corner, so nothing of the flow may sit there."""

    hold_s = HOLD_S
    _pending = None

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self._pending = Clock.schedule_once(lambda _dt: App.get_running_app().open_admin(), self.hold_s)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            if self._pending is not None:
                self._pending.cancel()
                self._pending = None
            return True
        return False


class AdminPad(ModalView):
    entered = StringProperty("")
    message = StringProperty("请输入管理员密码")
    unlocked = StringProperty("")  # "yes" once the PIN was right

    def __init__(self, admin_pin: str, **kwargs):
        super().__init__(**kwargs)
        self._pin = admin_pin

    def pad_key(self, key: str) -> None:
        if key == "back":
            self.entered = self.entered[:-1]
        elif key == "clear":
            self.entered = ""
        elif len(self.entered) < 12:
            self.entered += key

    def check(self) -> None:
        if self._pin and hmac.compare_digest(self.entered.encode(), self._pin.encode()):
            self.unlocked, self.message = "yes", "已解锁，请选择操作"
        else:
            self.message = "密码不正确"
        self.entered = ""

    def exit_app(self) -> None:
        if self.unlocked:
            App.get_running_app().admin_exit()

    def reprint(self) -> None:
        if self.unlocked:
            self.dismiss()
            App.get_running_app().reprint_last()
