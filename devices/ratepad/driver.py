"""The rating pad driver: one port, one reader thread, events out on a queue.

The port is opened with `serial.serial_for_url`, so `/dev/ttyUSB0`, a pty path (the simulator)
and `loop://` are one code path. When the port fails or a framed pad stops sending heartbeats,
the driver closes it, reports `PadState(connected=False)`, and reopens with backoff.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from dataclasses import dataclass, field

import serial

from . import protocol as p
from .errors import PadNotConnected, PadPortUnavailable, PadSilent, RatePadError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PadSettings:
    baudrate: int = 9600
    # None: our framed protocol. A dict (byte -> score): a simple pad sending one byte per key.
    simple_key_map: dict[int, int] | None = None
    # a framed pad heartbeats every second; this much silence means it is gone
    heartbeat_timeout_s: float = 3.5
    reopen_min_s: float = 0.2
    reopen_max_s: float = 5.0
    # a frame comes in one burst; a gap this long mid-frame means it was noise
    idle_gap_s: float = 0.1


@dataclass(frozen=True)
class PadState:
    connected: bool
    message: str = ""  # Chinese, for the health report
    code: str = ""


@dataclass
class PadStats:
    discarded_bytes: int = 0
    bad_frames: int = 0
    bad_messages: int = 0
    duplicate_keys: int = 0
    reconnects: int = 0


class _Lost(Exception):
    def __init__(self, error: RatePadError):
        self.error = error


@dataclass
class _KeyDedup:
    """A framed pad resends a KEY until acked; remember recent seqs of the current boot."""

    boot_id: int | None = None
    seen: collections.deque = field(default_factory=lambda: collections.deque(maxlen=64))
    acked: set = field(default_factory=set)

    def new_boot(self, boot_id: int) -> None:
        if boot_id != self.boot_id:
            self.boot_id = boot_id
            self.seen.clear()
            self.acked.clear()

    def is_new(self, seq: int) -> bool:
        if seq in self.seen:
            return False
        if len(self.seen) == self.seen.maxlen:
            self.acked.discard(self.seen[0])
        self.seen.append(seq)
        return True


class RatePad:
    """Driver for one rating pad.

    Events on `events` (a queue.Queue): `PadState`, `Hello`, `KeyPress`, `Heartbeat`, `Ack`.
    A framed pad resends a KEY until the host acks it; call `ack_key(seq)` once the press is
    safely stored (or deliberately ignored). Duplicates of a KEY are not delivered twice.
    """

    def __init__(self, url: str, settings: PadSettings | None = None, events: queue.Queue | None = None):
        self.url = url
        self.settings = settings or PadSettings()
        self.events: queue.Queue = events if events is not None else queue.Queue()
        self.stats = PadStats()
        self.firmware: str | None = None
        self._port: serial.SerialBase | None = None
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected: bool | None = None
        self._dedup = _KeyDedup()
        self._simple_seq = 0

    @property
    def simple(self) -> bool:
        return self.settings.simple_key_map is not None

    @property
    def connected(self) -> bool:
        return bool(self._connected)

    # ---- lifecycle --------------------------------------------------------

    def start(self) -> "RatePad":
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"ratepad {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self._close_port()

    def __enter__(self) -> "RatePad":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- host -> pad ------------------------------------------------------
    # Each returns False for a simple pad (it has no display and takes no commands).

    def request_rating(self, request_id: int, timeout_s: int) -> bool:
        return self._send(p.RequestRating(request_id, timeout_s))

    def show(self, name: str, window: int) -> bool:
        return self._send(p.Show(name, window))

    def cancel(self) -> bool:
        return self._send(p.Cancel())

    def ping(self) -> bool:
        return self._send(p.Ping())

    def ack_key(self, seq: int) -> bool:
        if self.simple:
            return False
        self._dedup.acked.add(seq)
        return self._send(p.Ack(p.MsgType.KEY, seq))

    def _send(self, msg: p.Message) -> bool:
        if self.simple:
            return False
        data = p.encode(msg)
        with self._write_lock:
            port = self._port
            if port is None:
                raise PadNotConnected()
            try:
                port.write(data)
            except (serial.SerialException, OSError) as exc:
                raise PadNotConnected(str(exc)) from None
        return True

    # ---- reader thread ----------------------------------------------------

    def _run(self) -> None:
        delay = self.settings.reopen_min_s
        while not self._stop.is_set():
            try:
                port = self._open()
            except PadPortUnavailable as exc:
                self._set_state(PadState(False, exc.message, exc.code))
                self._stop.wait(delay)
                delay = min(delay * 2, self.settings.reopen_max_s)
                continue
            delay = self.settings.reopen_min_s
            try:
                self._set_state(PadState(True, "评价器已连接", "ok"))
                self._read_until_lost(port)
            except _Lost as lost:
                self.stats.reconnects += 1
                log.warning("%s", lost.error)
                self._close_port()
                self._set_state(PadState(False, lost.error.message, lost.error.code))
                self._stop.wait(self.settings.reopen_min_s)
        self._close_port()

    def _open(self) -> serial.SerialBase:
        try:
            port = serial.serial_for_url(self.url, baudrate=self.settings.baudrate, timeout=self.settings.idle_gap_s)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PadPortUnavailable(self.url, str(exc)) from None
        with self._write_lock:
            self._port = port
        return port

    def _close_port(self) -> None:
        with self._write_lock:
            port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass

    def _read_until_lost(self, port: serial.SerialBase) -> None:
        frames = p.FrameDecoder()
        keys = p.SimpleKeyDecoder(self.settings.simple_key_map or {})
        if not self.simple:
            self._try_send(p.Ping())  # the pad answers with HELLO
        last_rx = last_ping = time.monotonic()
        while not self._stop.is_set():
            try:
                data = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError) as exc:
                raise _Lost(PadNotConnected(str(exc))) from None
            now = time.monotonic()
            if self.simple:
                self._on_simple_bytes(keys, data)
                continue
            if data:
                last_rx = now
                found = frames.feed(data)
            else:
                found = frames.line_idle() if frames.has_partial else []
            for frame in found:
                self._on_frame(frame)
            self.stats.discarded_bytes = frames.discarded_bytes
            self.stats.bad_frames = frames.bad_frames
            if self._dedup.boot_id is None and now - last_ping > 1.0:
                self._try_send(p.Ping())  # our PING or its HELLO was lost in noise: ask again
                last_ping = now
            silence = now - last_rx
            if silence > self.settings.heartbeat_timeout_s:
                raise _Lost(PadSilent(silence))

    def _try_send(self, msg: p.Message) -> None:
        try:
            self._send(msg)
        except PadNotConnected:
            pass  # the read loop notices the failure itself

    def _on_simple_bytes(self, keys: p.SimpleKeyDecoder, data: bytes) -> None:
        for score in keys.feed(data):
            self._simple_seq = (self._simple_seq + 1) & 0xFFFF
            self.events.put(p.KeyPress(self._simple_seq, score))
        self.stats.discarded_bytes = keys.discarded_bytes

    def _on_frame(self, frame: p.Frame) -> None:
        try:
            msg = p.parse(frame)
        except RatePadError as exc:
            self.stats.bad_messages += 1
            log.debug("%s", exc)
            return
        if isinstance(msg, p.Hello):
            self.firmware = msg.firmware
            self._dedup.new_boot(msg.boot_id)
        elif isinstance(msg, p.KeyPress) and self._dedup.boot_id is None:
            return  # which boot is this seq from? Wait for the HELLO; unacked, the pad sends it again
        elif isinstance(msg, p.KeyPress) and not self._dedup.is_new(msg.seq):
            self.stats.duplicate_keys += 1
            if msg.seq in self._dedup.acked:
                self._try_send(p.Ack(p.MsgType.KEY, msg.seq))  # our ack was lost; say it again
            return
        elif not isinstance(msg, (p.KeyPress, p.Heartbeat, p.Ack)):
            self.stats.bad_messages += 1  # a host-to-pad message coming back: a loopback or a crossed cable
            return
        self.events.put(msg)

    def _set_state(self, state: PadState) -> None:
        if state.connected != self._connected:
            self._connected = state.connected
            self.events.put(state)
