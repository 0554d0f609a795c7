"""The pad bridge: server events light the pad, key presses become ratings, nothing is lost.

Three threads, one job each:
- pad loop: reads the driver's events (presses, connect/disconnect) and times requests out;
- event loop: follows the server's event stream for `rating.requested` at our window;
- send loop: sends the outbox in order and reports the pad's health, retrying with backoff.

Rules (issue 5, domain.md): a press counts only while a rating request is open, and only the
first one; no press before the time limit leaves the service unrated (no default rating, ever).
A press is written to the outbox before the pad is acked, so an acked press is never lost.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from devices.ratepad import KeyPress, PadNotConnected, PadSettings, PadState, RatePad
from kiosk import sdnotify

from .errors import BridgeError
from .outbox import Outbox
from .rating_events import RatingRecorded, RatingRequested, parse_event
from .server_link import Outcome, ServerLink

log = logging.getLogger(__name__)
SERVER_RATING_WINDOW_S = 600  # api.md: a rating rates the service finished within 10 minutes
REPEATING_CODES = {"rating_retry", "server_unreachable", "token_refused"}
SCORE_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


@dataclass(frozen=True)
class BridgeSettings:
    rating_timeout_s: float = 60.0  # how long the pad waits for a press
    retry_min_s: float = 1.0
    retry_max_s: float = 10.0
    quiet_repeats_s: float = 60.0  # a failure that repeats is logged once per this many seconds


@dataclass
class OpenRequest:
    request: RatingRequested
    deadline: float  # time.monotonic()


@dataclass
class BridgeCounters:
    accepted: int = 0
    ignored_presses: int = 0  # no request open, or already rated
    timed_out: int = 0
    sent: int = 0
    refused: int = 0
    send_failures: int = 0
    log: list = field(default_factory=list)  # (code, Chinese message), most recent last, capped


class PadBridge:
    def __init__(self, window: int, pad: RatePad, link: ServerLink, outbox: Outbox,
                 settings: BridgeSettings | None = None):
        self.window = window
        self.pad = pad
        self.link = link
        self.outbox = outbox
        self.settings = settings or BridgeSettings()
        self.counters = BridgeCounters()
        self._lock = threading.Lock()
        self._open: OpenRequest | None = None
        self._health: PadState | None = None  # waiting to be reported
        self._wake_sender = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last_warned: dict[str, float] = {}

    # ---- lifecycle --------------------------------------------------------

    def start(self) -> "PadBridge":
        self.pad.start()
        for name, target in (("pad", self._pad_loop), ("events", self._event_loop), ("send", self._send_loop)):
            thread = threading.Thread(target=target, name=f"padbridge {self.window} {name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake_sender.set()
        self.link.close_stream()
        for thread in self._threads:
            thread.join(timeout=5)
        self.pad.stop()

    @property
    def alive(self) -> bool:
        """All three loops still run: a loop that died on a bug leaves ratings unread or unsent."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    @property
    def open_request(self) -> RatingRequested | None:
        with self._lock:
            return self._open.request if self._open else None

    def _note(self, code: str, message: str, level: int = logging.INFO) -> None:
        self.counters.log = (self.counters.log + [(code, message)])[-50:]
        if code in REPEATING_CODES:  # while the server is down the same warning comes every few seconds
            now = time.monotonic()
            if now - self._last_warned.get(code, -1e9) < self.settings.quiet_repeats_s:
                return
            self._last_warned[code] = now
        log.log(level, "%s号窗口：%s（%s）", self.window, message, code)

    # ---- decisions --------------------------------------------------------

    def on_rating_requested(self, request: RatingRequested) -> None:
        limit = request.timeout_s or self.settings.rating_timeout_s
        if request.requested_at is not None:
            # A request replayed after a restart is stale once the server would refuse its rating.
            # Only that coarse test uses the server's clock, so a skewed bridge clock does no harm.
            age = (datetime.now(timezone.utc) - request.requested_at).total_seconds()
            if age > SERVER_RATING_WINDOW_S:
                return
        if self.outbox.has_rating_for(self.window, request.key):
            return
        with self._lock:
            if self._open and self._open.request.key == request.key:
                return
            self._open = OpenRequest(request, time.monotonic() + limit)
        self._note("rating_requested", f"请求评价（服务 {request.key}），{limit:.0f} 秒内有效")
        self._light()

    def on_rating_recorded(self, recorded: RatingRecorded) -> None:
        """The service was rated by some other way (or this is our own rating echoed): stop asking."""
        with self._lock:
            if not (self._open and self._open.request.key == recorded.key):
                return
            self._open = None
        self._try_pad(self.pad.cancel)

    def on_key(self, press: KeyPress) -> None:
        with self._lock:
            current, self._open = self._open, None
            stored = self.outbox.add(self.window, current.request.key, press.score) if current else None
        if stored is None:
            self.counters.ignored_presses += 1
            reason = "当前没有待评价的服务" if current is None else "该服务已评价"
            self._note("press_ignored", f"按键“{SCORE_NAMES[press.score]}”未计入：{reason}")
        else:
            self.counters.accepted += 1
            self._note("press_accepted", f"收到评价“{SCORE_NAMES[press.score]}”（服务 {current.request.key}）")
            self._wake_sender.set()
        self._try_pad(lambda: self.pad.ack_key(press.seq))

    def on_pad_state(self, state: PadState) -> None:
        with self._lock:
            self._health = state
        self._wake_sender.set()
        self._note(state.code or "pad_state", state.message, logging.INFO if state.connected else logging.WARNING)
        if state.connected:
            self._light()  # a request opened while unplugged, or lit before: light it (again)

    def expire(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if not (self._open and now >= self._open.deadline):
                return
            expired, self._open = self._open, None
        self.counters.timed_out += 1
        self._note("rating_timed_out", f"服务 {expired.request.key} 超时未评价，按未评价处理")
        self._try_pad(self.pad.cancel)

    def _light(self) -> None:
        with self._lock:
            current = self._open
        if current is None:
            return
        left = max(1, round(current.deadline - time.monotonic()))
        request = current.request
        self._try_pad(lambda: self.pad.request_rating(request.pad_request_id, left))
        if request.helper_name:
            self._try_pad(lambda: self.pad.show(request.helper_name, self.window))

    def _try_pad(self, command) -> None:
        try:
            command()
        except PadNotConnected:
            pass  # the pad state change is reported on its own; the request is re-lit on reconnect

    # ---- threads ----------------------------------------------------------

    def _pad_loop(self) -> None:
        while not self._stop.is_set():
            try:
                event = self.pad.events.get(timeout=0.1)
            except queue.Empty:
                event = None
            if isinstance(event, KeyPress):
                self.on_key(event)
            elif isinstance(event, PadState):
                self.on_pad_state(event)
            self.expire()

    def _event_loop(self) -> None:
        last_id = self.outbox.get_state("last_event_id")
        delay = self.settings.retry_min_s
        while not self._stop.is_set():
            opened = self.link.streams_opened
            try:
                for event in self.link.events(last_id):
                    if event.id is not None and event.id != last_id:
                        last_id = event.id
                        self.outbox.set_state("last_event_id", last_id)
                    found = parse_event(event, self.window)
                    if isinstance(found, RatingRequested):
                        self.on_rating_requested(found)
                    elif isinstance(found, RatingRecorded):
                        self.on_rating_recorded(found)
                    if self._stop.is_set():
                        return
            except BridgeError as exc:
                if not self._stop.is_set():
                    self._note(exc.code, f"事件流中断：{exc.message}", logging.WARNING)
            if self.link.streams_opened != opened:
                delay = self.settings.retry_min_s  # it was up: a server restart, come back quickly
            self._stop.wait(delay)
            delay = min(delay * 2, self.settings.retry_max_s)

    def _send_loop(self) -> None:
        delay = self.settings.retry_min_s
        while not self._stop.is_set():
            self._wake_sender.clear()
            if self._report_health() and self._send_pending():
                delay = self.settings.retry_min_s
                self._wake_sender.wait(1.0)
            else:
                self.counters.send_failures += 1
                self._stop.wait(delay)
                delay = min(delay * 2, self.settings.retry_max_s)

    def _report_health(self) -> bool:
        with self._lock:
            state = self._health
        if state is None:
            return True
        try:
            self.link.post_health(state.connected, state.message)
        except BridgeError as exc:
            self._note(exc.code, f"评价器状态未能上报：{exc.message}", logging.WARNING)
            return False
        with self._lock:
            if self._health is state:
                self._health = None
        return True

    def _send_pending(self) -> bool:
        """Send in pad_seq order; stop at the first that must be retried so the order holds."""
        for rating in self.outbox.pending():
            if self._stop.is_set():
                return True
            service_id = int(rating.request_key) if rating.request_key.isdigit() else None
            reply = self.link.post_rating(rating.window, rating.score, rating.pad_seq,
                                          service_id=service_id, pressed_at=rating.pressed_at)
            if reply.outcome is Outcome.STORED:
                self.outbox.mark_sent(rating.pad_seq)
                self.counters.sent += 1
            elif reply.outcome is Outcome.REFUSED:
                self.outbox.mark_dropped(rating.pad_seq, f"HTTP {reply.status}: {reply.message}")
                self.counters.refused += 1
                self._note("rating_refused", f"服务器拒收评价 {rating.pad_seq}（{reply.status}）：{reply.message}",
                           logging.WARNING)
            else:
                self._note("rating_retry", f"评价 {rating.pad_seq} 暂未送达（{reply.status or '无连接'}），稍后重发",
                           logging.WARNING)
                return False
        return True


def run_bridge(window: int, port_url: str, server_url: str, token: str, outbox_path: str, *,
               rating_timeout_s: float = 60.0, key_map: dict[int, int] | None = None,
               pad_settings: PadSettings | None = None, bridge_settings: BridgeSettings | None = None,
               stop: threading.Event | None = None) -> None:
    """Run the bridge for one window until `stop` is set (or Ctrl-C). `key_map` selects a simple pad."""
    pad_settings = pad_settings or PadSettings(simple_key_map=key_map)
    bridge_settings = bridge_settings or BridgeSettings(rating_timeout_s=rating_timeout_s)
    stop = stop or threading.Event()
    link = ServerLink(server_url, token)
    with Outbox(outbox_path) as outbox:
        bridge = PadBridge(window, RatePad(port_url, pad_settings), link, outbox, bridge_settings).start()
        log.info("%s 号窗口评价器桥已启动：串口 %s，服务器 %s", window, port_url, server_url)
        sdnotify.notify("READY=1")
        watchdog = sdnotify.watchdog_interval_s()
        fed = 0.0
        try:
            while not stop.wait(0.5):
                if watchdog and bridge.alive and time.monotonic() - fed >= watchdog:
                    sdnotify.notify("WATCHDOG=1")  # withheld once a loop has died: systemd restarts us
                    fed = time.monotonic()
        except KeyboardInterrupt:
            pass
        finally:
            bridge.stop()
            link.close()
