"""The pad bridge: server events light the pad, key presses become ratings, nothing is lost.

Three threads, one job each:
- pad loop: reads the driver's events (presses, connect/disconnect) and times requests out;
- events: ``kiosk.client.EventFollower`` follows the server's stream for `rating.requested` at our window;
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
from kiosk.client import ApiClient, ApiError, Backoff, ClientError, EventFollower, NotFound
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.config.roles import PadRole, PadSection

from .outbox import Outbox, OutboxRating
from .rating_events import RatingRecorded, RatingRequested, parse_event

log = logging.getLogger(__name__)
REFUSED_STATUSES = {400, 404, 409, 422}  # the server will never take it: dropped, not retried
PAD_DEFAULTS = PadSection()


@dataclass(frozen=True)
class BridgeSettings:
    rating_timeout_s: float = PAD_DEFAULTS.timeout_s  # how long the pad waits for a press
    rating_window_s: float = PAD_DEFAULTS.rating_window_s  # the server's: an older request is not lit again
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
    def __init__(self, window: int, pad: RatePad, api: ApiClient, outbox: Outbox,
                 settings: BridgeSettings | None = None):
        self.window = window
        self.pad = pad
        self.api = api
        self.outbox = outbox
        self.settings = settings or BridgeSettings()
        self.counters = BridgeCounters()
        self.health_supported = True  # False once the server said it has no health route (404)
        self.stream_up = threading.Event()  # set while the event stream is open
        last_id = self.outbox.get_state("last_event_id")
        self.follower = EventFollower(api.base_url, api.token, on_event=self._on_server_event,
                                      on_state=self._on_stream_state,
                                      last_id=int(last_id) if last_id and last_id.isdigit() else None,
                                      backoff_s=(self.settings.retry_min_s, self.settings.retry_max_s))
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
        for name, target in (("pad", self._pad_loop), ("send", self._send_loop)):
            thread = threading.Thread(target=target, name=f"padbridge {self.window} {name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self.follower.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake_sender.set()
        self.follower.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self.pad.stop()

    @property
    def alive(self) -> bool:
        """All three loops still run: a loop that died on a bug leaves ratings unread or unsent."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads) and self.follower.running

    @property
    def open_request(self) -> RatingRequested | None:
        with self._lock:
            return self._open.request if self._open else None

    def _note(self, code: str, message: str, level: int = logging.INFO, *, repeats: bool = False) -> None:
        """``repeats``: a failure retried every few seconds while the server is down, logged once a while."""
        self.counters.log = (self.counters.log + [(code, message)])[-50:]
        if repeats:
            now = time.monotonic()
            if now - self._last_warned.get(code, -1e9) < self.settings.quiet_repeats_s:
                return
            self._last_warned[code] = now
        log.log(level, "%s号窗口：%s（%s）", self.window, message, code)

    # ---- decisions --------------------------------------------------------

    def on_rating_requested(self, request: RatingRequested) -> None:
        limit = self.settings.rating_timeout_s
        if request.requested_at is not None:
            # A request replayed after a restart is stale once the server would refuse its rating.
            # Only that coarse test uses the server's clock, so a skewed bridge clock does no harm.
            age = (datetime.now(timezone.utc) - request.requested_at).total_seconds()
            if age > self.settings.rating_window_s:
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

    def _on_server_event(self, event: dict) -> None:
        self.outbox.set_state("last_event_id", str(self.follower.last_id))  # a restart resumes here
        found = parse_event(event, self.window)
        if isinstance(found, RatingRequested):
            self.on_rating_requested(found)
        elif isinstance(found, RatingRecorded):
            self.on_rating_recorded(found)

    def _on_stream_state(self, up: bool) -> None:
        if up:
            self.stream_up.set()
            return
        self.stream_up.clear()
        error = self.follower.last_error
        if error is not None and not self._stop.is_set():
            self._note(error.code, f"事件流中断：{error.message}", logging.WARNING, repeats=True)

    def _send_loop(self) -> None:
        backoff = Backoff(self.settings.retry_min_s, self.settings.retry_max_s)
        while not self._stop.is_set():
            self._wake_sender.clear()
            if self._report_health() and self._send_pending():
                backoff.succeeded()
                self._wake_sender.wait(1.0)
            else:
                self.counters.send_failures += 1
                self._stop.wait(backoff.failed())

    def _report_health(self) -> bool:
        with self._lock:
            state = self._health
        if state is None or not self.health_supported:
            return True
        try:
            self.api.report_health("ratepad", state.connected, state.message)
        except NotFound:
            log.info("服务器没有设备状态接口（404），不再上报评价器状态")
            self.health_supported = False
        except ClientError as exc:
            self._note(exc.code, f"评价器状态未能上报：{exc.message}", logging.WARNING,
                       repeats=True)
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
            if not self._send(rating):
                return False
        return True

    def _send(self, rating: OutboxRating) -> bool:
        """False when it must be sent again later."""
        try:
            self.api.rate(rating.window, rating.score, rating.pad_seq, pressed_at=rating.pressed_at,
                          service_id=int(rating.request_key) if rating.request_key.isdigit() else None)
        except ApiError as exc:
            if exc.status not in REFUSED_STATUSES:
                return self._retry(rating, exc)
            self.outbox.mark_dropped(rating.pad_seq, f"HTTP {exc.status}: {exc.message}")
            self.counters.refused += 1
            self._note("rating_refused", f"服务器拒收评价 {rating.pad_seq}（{exc.status}）：{exc.message}",
                       logging.WARNING)
            return True
        except ClientError as exc:
            return self._retry(rating, exc)
        self.outbox.mark_sent(rating.pad_seq)
        self.counters.sent += 1
        return True

    def _retry(self, rating: OutboxRating, exc: ClientError) -> bool:
        self._note("rating_retry", f"评价 {rating.pad_seq} 暂未送达（{exc.status or '无连接'}：{exc.message}），稍后重发",
                   logging.WARNING, repeats=True)
        return False


def run_bridge(config: PadRole, *, key_map: dict[int, int] | None = None,
               pad_settings: PadSettings | None = None, stop: threading.Event | None = None) -> None:
    """Run the bridge of ``config.pad.window`` until `stop` is set (or Ctrl-C). `key_map` selects a simple pad."""
    pad, client = config.pad, config.client
    settings = BridgeSettings(rating_timeout_s=pad.timeout_s, rating_window_s=pad.rating_window_s)
    stop = stop or threading.Event()
    data = config.data_dir
    data.mkdir(parents=True, exist_ok=True)
    api = ApiClient(client.server, client.token)
    with Outbox(data / f"ratepad-outbox-window{pad.window}.sqlite3") as outbox:
        bridge = PadBridge(pad.window, RatePad(pad.port, pad_settings or PadSettings(simple_key_map=key_map)),
                           api, outbox, settings).start()
        log.info("%s 号窗口评价器桥已启动：串口 %s，服务器 %s", pad.window, pad.port, client.server)
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
            api.http.close()
