"""Step 1 at the window: the helper signs in with code and PIN (keyboard or on-screen pad)."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.client import ClientError, TooManyAttempts


class SignInScreen(Screen):
    title_text = StringProperty("帮办代办员登录")
    message = StringProperty("")
    busy = BooleanProperty(False)
    active_field = StringProperty("code")

    def on_enter(self, *_args) -> None:
        self.ids.pin.text = ""
        self.ids.code.focus = True

    def pad_key(self, key: str) -> None:
        field = self.ids[self.active_field]
        if key == "clear":
            field.text = ""
        elif key == "back":
            field.text = field.text[:-1]
        else:
            field.text += key

    def sign_in(self) -> None:
        code, pin = self.ids.code.text.strip(), self.ids.pin.text.strip()
        if not code or not pin:
            self.message = "请输入工号和密码"
            return
        self.busy, self.message = True, ""
        App.get_running_app().sign_in(code, pin, on_error=self.failed)

    def failed(self, exc: Exception) -> None:
        self.busy = False
        self.ids.pin.text = ""
        if isinstance(exc, TooManyAttempts):
            self.message = exc.message  # the server's own words: how long to wait
        elif isinstance(exc, ClientError):
            self.message = exc.message
        else:
            self.message = "登录出错，请重试或联系引导台"
