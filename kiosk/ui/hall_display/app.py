"""The hall display app: follows the event stream, draws the board, hands calls to the announcer."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock

from devices.speech import Announcer, SpeechSettings
from kiosk.client import ApiClient, ClientError, EventFollower
from kiosk.ui.common.app_base import Background, load_layouts

from .board import Call, HallBoard, fresh_enough
from .screen import DEFAULT_NOTICE, HallScreen, with_posted_staff

log = logging.getLogger("bangban.display")
RESYNC_EVERY_S = 30  # a killed terminal cannot sign out: its silent session ends when the windows are read


class HallDisplayApp(App):
    title = "帮办代办叫号大屏"

    def __init__(self, api: ApiClient, announcer: Announcer | None, *, notice: str | None = None,
                 language: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self.api, self.announcer, self.notice = api, announcer, notice
        self.language = language  # [hall] language: "mn-zh" shows Mongolian beside the Chinese
        self.board = HallBoard()
        self.background = Background()
        self.follower: EventFollower | None = None
        self.screen: HallScreen | None = None
        self._inbox: list[dict] = []  # events from the follower's thread, drained on the UI thread
        self._inbox_lock = threading.Lock()
        self._drain_soon = None

    def build(self) -> HallScreen:
        load_layouts("display_hall.kv")
        self.screen = HallScreen()
        if self.notice:
            self.screen.notice = self.notice
        self.screen.show(self.board)
        if self.language == "mn-zh":
            from kiosk.ui.common.bilingual_label import make_bilingual
            make_bilingual(self.screen)
        return self.screen

    def on_start(self) -> None:
        self._drain_soon = Clock.create_trigger(lambda _dt: self.drain())
        self.follower = EventFollower(self.api.base_url, self.api.token, on_event=self.receive,
                                      on_state=lambda up: Clock.schedule_once(lambda _dt: self.on_connection(up)))
        self.resync()
        self.follower.start()
        Clock.schedule_interval(lambda _dt: self.resync(), RESYNC_EVERY_S)

    def on_stop(self) -> None:
        if self.follower:
            self.follower.stop(timeout=2)
        self.background.close()
        if self.announcer:
            self.announcer.close(drain=False, timeout=2)

    # --- from the stream ------------------------------------------------------
    def receive(self, event: dict) -> None:
        """On the follower's thread: queue it; a burst (a backlog after an outage) is drawn once."""
        with self._inbox_lock:
            self._inbox.append(event)
        self._drain_soon()

    def drain(self) -> None:
        with self._inbox_lock:
            events, self._inbox = self._inbox, []
        if any(e.get("type") == "staff.changed" for e in events):
            self.resync()  # the posted staff list (公示) changed
        calls = [call for call in map(self.board.apply, events) if call is not None]
        self.screen.show(self.board, new_call=calls[-1] if calls else None)
        for call in calls:
            self.say(call)

    def on_connection(self, up: bool) -> None:
        self.board.connected = up
        self.screen.show(self.board)
        if up:
            self.resync()  # counts and staffing may have changed while we were away

    def say(self, call: Call) -> None:
        if self.announcer is None or not fresh_enough(call):
            return
        try:
            self.announcer.announce(call.number, call.window)
        except Exception:  # speech is a help, not a condition: the screen still shows the call
            log.exception("could not announce %s", call.sentence)

    def resync(self) -> None:
        def read():
            return self.api.windows(), self.api.waiting(), self.api.hall_clock(), self.api.posted_staff()

        def done(result):
            windows, waiting, clock, posted = result
            self.screen.set_hall_zone(clock["timezone"])
            self.screen.notice = with_posted_staff(self.notice or DEFAULT_NOTICE, posted["staff"])
            self.board.resync(windows, waiting)
            self.screen.show(self.board)

        def failed(exc: Exception):
            if not isinstance(exc, ClientError):
                log.error("resync failed: %r", exc)

        self.background.run(read, done, failed)


def make_announcer(settings: SpeechSettings | None, data_dir: Path, player=None) -> Announcer | None:
    settings = settings or SpeechSettings(cache_dir=Path(data_dir) / "speech-cache")
    try:
        return Announcer.from_settings(settings, player)
    except Exception:
        log.exception("spoken calls unavailable; the display shows calls without sound")
        return None
