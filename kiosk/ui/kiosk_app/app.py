"""The citizen kiosk: one ScreenManager, one screen per step, the visitor's choices in a Flow.

Network calls run on one background worker and the printer on its own, so a slow server
never freezes the screen and a print never waits behind a search. Whatever goes wrong, the
person reads what happened and what to do in Chinese; the kiosk keeps trying by itself.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.client import ApiClient, EventFollower, ServerTrouble, ServerUnreachable
from kiosk.ui.common.app_base import Background, load_layouts

from kiosk.ui.common.camera_feed import CameraFeed
from kiosk.ui.common.page_outbox import PageOutbox
from .config import KioskConfig
from .flow import Flow, general_queue, search_matters
from .issuing import Ticketing
from .journal import ISSUING, TicketJournal
from .lockdown import AdminCorner, AdminPad
from .printing import PrintDesk
from .restyle import HiddenScreensRestyle
from .screens_choose import CategoryScreen, MatterScreen, NoticeScreen, PriorityScreen, WelcomeScreen
from .screens_capture import CaptureScreen
from .screens_checkin import CheckInScreen
from .screens_finish import ConfirmScreen, PhoneScreen, TicketScreen
from .sizes import KioskSizes
from .wording import one_sentence_a_line

log = logging.getLogger("bangban.kiosk")
LAYOUTS = ("kiosk_frame.kv", "kiosk_welcome.kv", "kiosk_category.kv", "kiosk_matter.kv", "kiosk_notice.kv",
           "kiosk_priority.kv", "kiosk_phone.kv", "kiosk_capture.kv", "kiosk_confirm.kv", "kiosk_ticket.kv",
           "kiosk_admin.kv", "kiosk_checkin.kv")
SERVER_DOWN = "暂时连不上服务器，现在取不了号。请稍候片刻，或到引导台请工作人员帮您。"
SERVER_BACK = "服务器已恢复，请再点“确认取号”。"
OOPS = "刚才出了点问题，已回到首页，请重新操作；如需帮助请到引导台。"


class KioskApp(Ticketing, App):
    sz = ObjectProperty(None)  # KioskSizes: one object, its values follow the mode
    elder = BooleanProperty(False)
    portrait = BooleanProperty(False)
    hall_name = StringProperty("")
    banner = StringProperty("")  # a device or the server is away: shown on every screen
    busy = BooleanProperty(False)  # a ticket request is under way
    search_results = ObjectProperty(None, allownone=True)

    def __init__(self, config: KioskConfig, **kwargs):
        super().__init__(**kwargs)
        self.config_ = config
        self.title = "帮办代办 自助取号"
        self.hall_name = config.hall_name
        self.sz = KioskSizes(config.elder_mode)
        self.api = ApiClient(config.server_url, config.token)
        self.background = Background()
        self.desk = PrintDesk(config.printer_config)
        self.camera = CameraFeed(config.camera_config) if config.camera_config else None
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.journal = TicketJournal(config.data_dir / "kiosk_tickets.sqlite3")
        self.outbox = PageOutbox(config.data_dir / "outbox", lambda: self.api)
        self.catalog: dict = {}
        self.windows: list[dict] = []
        self.flow = Flow()
        self.server_problem = ""
        self.printer_problem = ""
        self.last_touch = time.monotonic()
        self.last_ticket: tuple[dict, dict] | None = None  # (ticket, receipt context), for the admin reprint
        self.missed_receipt: tuple[str, dict, dict] | None = None  # (key, ticket, context) the printer missed
        self.paper_low = False  # as last reported to the server
        self.prints: list[dict] = []  # what happened to each receipt, for the tests' driver
        self.admin: AdminPad | None = None
        self.follower: EventFollower | None = None  # the hall's set-up changing: read the catalogue again
        self._speaker = None  # PromptSpeaker, made on its own thread at start
        self._speaker_starting = False
        self._allow_close = False
        self._confirmed_at: float | None = None  # perf_counter of the confirm tap, for the receipt's timing
        self._search = Clock.create_trigger(lambda _dt: self._run_search(), 0.15)

    # --- building ---------------------------------------------------------------------
    def build(self):
        load_layouts(*LAYOUTS)
        self.set_elder(self.config_.elder_mode, speak=False)
        self.manager = ScreenManager(transition=NoTransition())
        for screen in (WelcomeScreen(), CategoryScreen(), MatterScreen(), NoticeScreen(), PriorityScreen(),
                       PhoneScreen(), CaptureScreen(), ConfirmScreen(), TicketScreen(), CheckInScreen()):
            self.manager.add_widget(screen)
        self.restyle = HiddenScreensRestyle(self.manager)
        root = FloatLayout()
        root.add_widget(self.manager)
        root.add_widget(AdminCorner(size_hint=(None, None), size=(dp(110), dp(110)), pos_hint={"x": 0, "top": 1}))
        Window.bind(on_request_close=self._on_request_close, on_keyboard=self._on_keyboard,
                    on_touch_down=self._touched, on_touch_move=self._touched, on_touch_up=self._touched,
                    size=self._resized)
        self._resized(Window, Window.size)
        if self.config_.language == "mn-zh":
            from kiosk.ui.common.bilingual_label import make_bilingual, with_catalogue
            make_bilingual(root, *self.manager.screens, lookup=with_catalogue(lambda: {
                m["name"]: m["name_mn"] for m in self.catalog.get("matters", []) if m.get("name_mn")}))
        ExceptionManager.add_handler(_StayUp(self))
        return root

    def on_start(self) -> None:
        self.outbox.start()
        self.load_catalog()
        self.follower = EventFollower(self.api.base_url, self.api.token, on_event=lambda event: (
            event.get("type") == "catalogue.changed" and Clock.schedule_once(lambda _dt: self.load_catalog())))
        self.follower.start()
        Clock.schedule_interval(self._check_idle, 1.0)
        Clock.schedule_interval(lambda _dt: self.check_printer(), self.config_.printer_check_s)
        Clock.schedule_interval(lambda _dt: self._watch_server(), 3.0)
        self.check_printer()
        Clock.schedule_once(lambda _dt: self.recover(), 0)
        if self.config_.speech:
            self._open_speaker()

    def on_stop(self) -> None:
        self.outbox.stop()
        if self.follower:
            self.follower.stop(timeout=2)
        if self.camera:
            self.camera.stop()
        if self._speaker:
            self._speaker.stop()
        self.background.close()
        self.desk.close()

    # --- plumbing -----------------------------------------------------------------------
    def run_off_ui(self, work: Callable[[], Any], on_done: Callable[[Any], None],
                   on_error: Callable[[Exception], None]) -> None:
        """For device work (camera): its own thread, the result back on the UI thread."""
        def job() -> None:
            try:
                result = work()
            except Exception as exc:
                log.warning("device work failed: %r", exc)
                Clock.schedule_once(lambda _dt, exc=exc: on_error(exc))  # exc is unbound after except
                return
            Clock.schedule_once(lambda _dt: on_done(result))

        threading.Thread(target=job, daemon=True).start()

    def screen(self, name: str):
        return self.manager.get_screen(name)

    @property
    def with_camera(self) -> bool:
        return self.camera is not None

    def _touched(self, *_args) -> None:
        self.last_touch = time.monotonic()

    def _resized(self, _window, size) -> None:
        self.portrait = size[1] > size[0]
        if self.manager.current_screen:
            self.manager.current_screen.refresh()

    def _on_request_close(self, *_args, **_kwargs) -> bool:
        return not self._allow_close  # True keeps the window open

    def _on_keyboard(self, _window, key, *_args) -> bool:
        return key in (27, 292)  # Escape, F11: no way out of full screen from a keyboard

    def _set_banner(self) -> None:
        """One sentence a line: Kivy breaks Chinese anywhere, and a sentence that fits its line is
        never broken mid-word."""
        self.banner = "\n".join(one_sentence_a_line(p) for p in (self.server_problem, self.printer_problem) if p)

    # --- speech -------------------------------------------------------------------------
    def say(self, sentence: str) -> None:
        if not (self.elder and self.config_.speech and sentence):
            return
        if self._speaker is None:
            self._open_speaker(sentence)
        else:
            self._speaker.say(sentence)

    def _open_speaker(self, first: str = "") -> None:
        """Off the UI thread: importing the speech modules and pypinyin holds Python's lock for
        about half a second, and finding a player takes up to 2 s. At start, so that the first
        switch to elder mode finds the speaker ready."""
        if self._speaker_starting:
            return
        self._speaker_starting = True

        def start() -> None:
            from .speaker import PromptSpeaker
            try:
                speaker = PromptSpeaker(self.config_.data_dir / "prompts", self.config_.speech_player)
            except Exception as exc:  # espeak-ng missing: the words stay on screen
                log.warning("no spoken prompts: %s", exc)
                self.config_.speech = False
                return
            if first:
                speaker.say(first)
            self._speaker = speaker

        threading.Thread(target=start, name="kiosk-speaker-start", daemon=True).start()

    def set_elder(self, on: bool, speak: bool = True) -> None:
        self.elder = on
        self.sz.apply(on)
        if getattr(self, "manager", None) and self.manager.current_screen:
            self.restyle.hold()
            self.manager.current_screen.refresh()
            if speak and on:
                self.say("已切换到长者模式，字更大，每一步都会读给您听。" + self.manager.current_screen.spoken_prompt())

    # --- the server ---------------------------------------------------------------------
    def load_catalog(self) -> None:
        def done(result) -> None:
            self.catalog, self.windows = result
            self._server_ok()
            self.manager.current_screen.refresh()

        self.background.run(lambda: (self.api.catalog(), self.api.windows()), done, self._server_failed)

    def _server_failed(self, exc: Exception) -> None:
        log.warning("server: %r", exc)
        if isinstance(exc, (ServerUnreachable, ServerTrouble)):
            self.server_problem = SERVER_DOWN
            self._set_banner()

    def _server_ok(self) -> None:
        was_down = bool(self.server_problem)
        self.server_problem = ""
        self._set_banner()
        if was_down and self.manager.current == "confirm" and self.screen("confirm").message:
            self.screen("confirm").tell_good_news(SERVER_BACK)
            self.say(SERVER_BACK)

    def _watch_server(self) -> None:
        if self.server_problem or not self.catalog:
            if self.catalog:
                self.background.run(self.api.health, lambda _h: self._server_ok(), self._server_failed)
            else:
                self.load_catalog()

    def search(self, text: str) -> None:
        self._search()

    def _run_search(self) -> None:
        text = self.screen("matter").search_text

        def done(result) -> None:
            if text == self.screen("matter").search_text:
                self.search_results = result["matters"]
                self.screen("matter").refresh()

        def failed(exc: Exception) -> None:  # the same rule, on the catalogue already here
            self._server_failed(exc)
            done({"matters": search_matters(self.catalog.get("matters", []), text)})

        if not text:
            self.search_results = None
            self.screen("matter").refresh()
            return
        self.background.run(lambda: self.api.catalog(q=text), done, failed)

    # --- the flow -----------------------------------------------------------------------
    def go(self, step: str) -> None:
        if step == "welcome":
            self.go_home()
        else:
            self.manager.current = step

    def go_back(self) -> None:
        if self.busy:
            return
        current = self.manager.current
        if current == "ticket":
            self.go_home()
        elif current != "welcome":
            self.go(self.flow.step_before(current, self.with_camera))

    def go_home(self, *, forget: bool = True) -> None:
        if self.busy:
            return
        if forget:
            self.forget()
        self.manager.current = "welcome"

    def forget(self, reset_mode: bool = True) -> None:
        """Privacy: nothing the last person entered survives the return to the welcome screen."""
        entry = self.journal.get(self.flow.idempotency_key)
        if entry is not None and entry.state == ISSUING:
            self.journal.mark(entry.key, "abandoned")  # the request failed: no ticket to finish later
        self.flow = Flow()
        self.search_results = None
        self.missed_receipt = None  # the person left: the receipt is theirs at the guide desk now
        for screen in self.manager.screens:
            screen.reset()
        if self.admin:
            self.admin.dismiss()
        if reset_mode and self.elder != self.config_.elder_mode:
            self.set_elder(self.config_.elder_mode, speak=False)

    def _next(self, step: str) -> None:
        self.go(self.flow.step_after(step, self.with_camera))

    def next_from(self, step: str) -> None:
        self._next(step)

    def choose_service(self, service_type: str) -> None:
        if not self.catalog:
            self.screen("welcome").message = SERVER_DOWN
            self.say(SERVER_DOWN)
            self.load_catalog()
            return
        self.forget(reset_mode=False)  # the elder mode chosen on this screen stays for this visitor
        self.flow.service_type = service_type
        self._next("welcome")

    def choose_category(self, category: str) -> None:
        self.flow.category, self.flow.matter, self.flow.queue_id = category, None, None
        self.screen("matter").reset()
        self._next("category")

    def choose_matter(self, matter: dict) -> None:
        self.flow.matter, self.flow.queue_id = matter, None
        self._next("matter")

    def choose_general_queue(self) -> None:
        self.flow.matter = None
        self.flow.queue_id = general_queue(self.catalog.get("queues", []), self.flow.service_type)
        self._next("matter")

    def choose_priority(self, group: str | None) -> None:
        self.flow.priority_group = group
        self._next("priority")

    def choose_phone(self, digits: str) -> None:
        self.flow.phone = digits
        self._next("phone")

    def choose_pages(self) -> None:
        self._next("capture")

    # --- idle and admin -----------------------------------------------------------------
    def _check_idle(self, _dt) -> None:
        idle = time.monotonic() - self.last_touch
        if idle < self.config_.idle_timeout_s or self.busy:
            return
        away_from_home = self.manager.current != "welcome" or self.elder != self.config_.elder_mode
        if away_from_home or self.admin:
            log.info("idle for %.0f s: back to the welcome screen, all entries forgotten", idle)
            self.go_home()

    def open_admin(self) -> None:
        if self.admin is None:
            self.admin = AdminPad(self.config_.admin_pin)
            self.admin.bind(on_dismiss=lambda *_a: setattr(self, "admin", None))
            self.admin.open()

    def admin_exit(self) -> None:
        self._allow_close = True
        self.stop()

class _StayUp(ExceptionHandler):
    """A bug in a callback must not close the kiosk or show a traceback: log it, go home."""

    def __init__(self, app: KioskApp):
        super().__init__()
        self.app, self.count = app, 0

    def handle_exception(self, exc):
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        self.count += 1
        log.exception("unexpected error in the kiosk (%d so far)", self.count, exc_info=exc)
        if self.count > 50:  # a loop of failures: let systemd restart us
            return ExceptionManager.RAISE

        def home(_dt) -> None:
            self.app.busy = False
            self.app.go_home()
            self.app.screen("welcome").message = OOPS

        Clock.schedule_once(home)
        return ExceptionManager.PASS
