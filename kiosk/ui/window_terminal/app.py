"""The window terminal app: sign-in, then the serve screen. Network calls run off the UI thread."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.client import ApiClient, ClientError, EventFollower
from kiosk.domain.roles import role_name
from kiosk.ui.common.app_base import Background, load_layouts
from kiosk.ui.common.page_outbox import PageOutbox

from . import documents_panel, green_channel_dialog, missing_materials_dialog, visits_dialog  # noqa: F401

from .case_screen import CaseScreen
from .log_drafts import LogDrafts
from .serve_screen import ServeScreen
from .shortcuts import action_for_key
from .sign_in import SignInScreen

log = logging.getLogger("bangban.window")


class WindowTerminalApp(App):
    screen_name = StringProperty("sign_in")

    def __init__(self, device_api: ApiClient, window: int, data_dir: Path, *,
                 printer_config: dict | None = None, camera_config: dict | None = None,
                 hall_name: str = "", helper_phone: str = "", **kwargs):
        """``printer_config``: for devices.printer.ReceiptPrinter (None: no printer at this window);
        ``camera_config``: {"device": 0} or {"file": path} (None: no document camera);
        ``hall_name``, ``helper_phone``: printed on the forms when given."""
        super().__init__(**kwargs)
        self.title = f"帮办代办 {window} 号窗口"
        self.device_api, self.window_number = device_api, window
        self.helper_api: ApiClient | None = None
        self.helper: dict | None = None
        self.drafts = LogDrafts(Path(data_dir) / f"service_log_drafts_w{window}.sqlite3")
        self.background = Background()
        self.device_work = Background()  # printing and camera stills: never queued behind the network
        self.printer_config, self.camera_config, self.hall_name = printer_config, camera_config, hall_name
        self.helper_extra = {"phone": helper_phone} if helper_phone else {}
        self.outbox = PageOutbox(Path(data_dir) / f"outbox_w{window}", lambda: self.helper_api,
                                 on_settled=lambda meta, stored, refusal: Clock.schedule_once(
                                     lambda _dt: self.page_settled(meta, refusal)))
        self.follower: EventFollower | None = None
        self.manager: ScreenManager | None = None
        self.matters: dict[int, dict] = {}  # the catalogue's matters by id: what a called ticket is for
        self.changed_case_ids: set[int] = set()  # told by case.changed events, shown at the next refresh

    def build(self) -> ScreenManager:
        load_layouts("window_sign_in.kv", "window_documents.kv", "window_serve.kv", "window_choices.kv",
                     "window_bookings.kv", "window_case.kv")
        self.manager = ScreenManager(transition=NoTransition())
        self.manager.add_widget(SignInScreen())
        self.manager.add_widget(ServeScreen())
        self.manager.add_widget(CaseScreen())
        self.manager.bind(current=lambda _m, name: setattr(self, "screen_name", name))
        self.manager.get_screen("sign_in").title_text = f"帮办代办员登录 · {self.window_number} 号窗口"
        self.serve_screen.configure_devices(self.camera_config, self.printer_config)
        Window.bind(on_key_down=self.on_key_down)
        return self.manager

    def on_start(self) -> None:
        # any change in the hall may change this window's line: refresh it, bursts merged into one
        refresh = Clock.create_trigger(lambda _dt: self.serve_screen.refresh(), 0.05)
        pages = Clock.create_trigger(lambda _dt: self.serve_screen.ids.documents.reload(), 0.05)
        cases = Clock.create_trigger(lambda _dt: self.case_changed(), 0.2)

        def on_event(event: dict) -> None:
            refresh()
            if event.get("type") == "catalogue.changed":  # the hall changed its matters: read them again
                self.background.run(lambda: {m["id"]: m for m in self.device_api.catalog()["matters"]},
                                    lambda matters: setattr(self, "matters", matters),
                                    lambda exc: log.warning("catalogue not read again: %s", exc))
            if event.get("type") == "document.added" and \
                    (event.get("data") or {}).get("ticket_id") == self.serve_screen.ticket_id:
                pages()
            if event.get("type") == "case.changed":
                self.changed_case_ids.add((event.get("data") or {}).get("case_id"))
                cases()
            self.outbox.wake()  # the server is there: pages waiting to upload may go now

        self.follower = EventFollower(self.device_api.base_url, self.device_api.token, on_event=on_event)
        self.follower.start()
        self.outbox.start()
        Clock.schedule_interval(lambda _dt: self.serve_screen.refresh(), 15)  # waited times age

    def case_changed(self) -> None:
        """Another terminal or hall changed cases: the case panel, if open, shows them as they are now."""
        changed, self.changed_case_ids = self.changed_case_ids, set()
        screen = self.manager.get_screen("cases")
        if self.manager.current != "cases" or self.helper_api is None:
            return
        screen.refresh_list()
        if screen.case_id in changed and screen.referral is None:
            screen.load(screen.case_id)

    def on_stop(self) -> None:
        self.sign_out_on_exit()
        if self.follower:
            self.follower.stop(timeout=2)
        self.outbox.stop()
        self.background.close()
        self.device_work.close()
        self.drafts.close()

    @property
    def serve_screen(self) -> ServeScreen:
        return self.manager.get_screen("serve")

    def open_cases(self, ticket: dict | None = None, who: str = "") -> None:
        """The case panel; with a ticket (finished as 已立代办件) the entrust form opens prefilled from it."""
        self.manager.current = "cases"
        if ticket is not None:
            self.manager.get_screen("cases").open_entrust(ticket, who)

    # --- session ------------------------------------------------------------
    def sign_in(self, code: str, pin: str, *, on_error: Callable[[Exception], None]) -> None:
        def done(signed):
            self.helper_api = self.device_api.with_token(signed.token)
            self.helper = signed.helper
            role = role_name(signed.helper.get("role"))
            self.serve_screen.who_text = f"{self.window_number} 号窗口 · {signed.helper['name']}（{role}）"
            self.manager.get_screen("sign_in").busy = False
            self.manager.current = "serve"
            self.serve_screen.refresh()
            self.outbox.wake()

        def signed_in_with_matters():
            signed = self.device_api.sign_in(code, pin, self.window_number)
            if not self.matters:  # before the screen shows: the first call already names its matter
                try:
                    self.matters = {m["id"]: m for m in self.device_api.catalog()["matters"]}
                except ClientError as exc:
                    log.warning("catalogue not read: %s", exc)
            return signed

        self.background.run(signed_in_with_matters, done, on_error)

    def sign_out_on_exit(self) -> None:
        """The terminal closes: the helper is no longer at the window (the display lists who is).
        Blocking, once, at exit; a server away ends the session later by its silence."""
        api, self.helper_api = self.helper_api, None
        if api is None:
            return
        try:
            api.sign_out()
        except (ClientError, OSError) as exc:  # the server away or the session gone: its silence ends it
            log.warning("sign-out at exit failed: %r", exc)

    def signed_out(self, message: str = "") -> None:
        """Back to sign-in. Drafts stay: the next helper (or the same one) finds them."""
        self.helper_api, self.helper = None, None
        self.manager.get_screen("sign_in").message = message
        self.manager.current = "sign_in"

    def page_settled(self, meta: dict, refusal: str) -> None:
        """An uploaded (or refused) page: the panel shows it; a refusal is said, the file kept."""
        if meta["ticket_id"] == self.serve_screen.ticket_id:
            self.serve_screen.ids.documents.reload()
        if refusal:
            self.serve_screen.say(f"有一页材料未被服务器接收：{refusal}（文件已留存在本机）", error=True)

    # --- keys -----------------------------------------------------------------
    def on_key_down(self, _window, key: int, _scancode, _codepoint, _modifiers) -> bool:
        if self.manager.current != "serve" or self.serve_screen.dialog_open:
            return False
        if visits_dialog.open_for_key(self, key):  # F9 bookings, F10 home visits
            return True
        if missing_materials_dialog.open_for_key(self, key):  # F11 补正材料告知单
            return True
        if green_channel_dialog.open_for_key(self, key):  # F12 绿色通道 (coordinators and chiefs)
            return True
        action = action_for_key(key, typing=self.serve_screen.typing())
        if action is None:
            return False
        self.serve_screen.do(action)
        return True
