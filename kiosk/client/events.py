"""EventFollower: follows the server's event stream on its own thread, for ever.

    follower = EventFollower(server_url, token, on_event=print, on_state=print)
    follower.start()          # on_event(dict) for each event, in id order, none twice
    ...                       # on_state(True/False) when the stream comes up or goes down
    follower.stop()

After any disconnect it reconnects with backoff and resumes with ``Last-Event-ID``, so
nothing is missed. Callbacks run on the follower's thread: a Kivy app hands them on
with ``Clock.schedule_once``.
"""
from __future__ import annotations

import json
import logging
import socket
import threading
from typing import Callable

import requests

from .sse import SseParser

log = logging.getLogger("bangban.client.events")


class EventFollower:
    def __init__(self, base_url: str, token: str, *, on_event: Callable[[dict], None],
                 on_state: Callable[[bool], None] | None = None, last_id: int | None = None,
                 backoff_s: tuple[float, float] = (0.2, 5.0), read_timeout_s: float = 40.0):
        """``last_id=None`` starts from now; a number resumes after that event.
        ``read_timeout_s`` must exceed the server's keep-alive interval (15 s)."""
        self.url = base_url.rstrip("/") + "/api/v1/events"
        self.token = token
        self.on_event, self.on_state = on_event, on_state
        self.last_id = last_id
        self.backoff_min, self.backoff_max = backoff_s
        self.read_timeout_s = read_timeout_s
        self.connected = False
        self.connections = 0  # how many times the stream came up: tests and diagnostics
        self._stop = threading.Event()
        self._response: requests.Response | None = None
        self._thread = threading.Thread(target=self._run, name="event-follower", daemon=True)

    def start(self) -> "EventFollower":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        _interrupt(self._response)
        self._thread.join(timeout)

    def __enter__(self) -> "EventFollower":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the thread ---------------------------------------------------------
    def _run(self) -> None:
        delay = self.backoff_min
        while not self._stop.is_set():
            try:
                self._follow_once()
                delay = self.backoff_min  # a clean end of stream: come back quickly
            except Exception as exc:  # any failure: report, wait, resume from last_id
                if not self._stop.is_set():
                    log.info("event stream lost (%s); retrying in %.1f s", exc.__class__.__name__, delay)
            self._set_connected(False)
            if self._stop.wait(delay):
                break
            delay = min(delay * 2, self.backoff_max)

    def _follow_once(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        if self.last_id is not None:
            headers["Last-Event-ID"] = str(self.last_id)
        with requests.get(self.url, headers=headers, stream=True,
                          timeout=(3.0, self.read_timeout_s)) as response:
            self._response = response
            if response.status_code != 200:
                raise ConnectionError(f"event stream answered {response.status_code}")
            self._set_connected(True)
            parser = SseParser()
            for chunk in response.iter_content(chunk_size=None, decode_unicode=False):
                if self._stop.is_set():
                    return
                for event in parser.feed(chunk.decode("utf-8")):
                    self._deliver(event.id, event.data)

    def _deliver(self, event_id: str | None, data: str) -> None:
        try:
            payload = json.loads(data)
        except ValueError:
            log.warning("event %s is not JSON; skipped", event_id)
            return
        number = int(event_id) if event_id and event_id.isdigit() else payload.get("id")
        if payload.get("type") == "stream.position":  # where "now" is: resume from here, deliver nothing
            if isinstance(number, int) and (self.last_id is None or number > self.last_id):
                self.last_id = number
            return
        if isinstance(number, int):
            if self.last_id is not None and number <= self.last_id:
                return  # already delivered before a reconnect
            self.last_id = number
        try:
            self.on_event(payload)
        except Exception:  # a bad handler must not stop the stream
            log.exception("event handler failed on event %s", number)

    def _set_connected(self, up: bool) -> None:
        if up == self.connected:
            return
        self.connected = up
        if up:
            self.connections += 1
        if self.on_state is not None:
            try:
                self.on_state(up)
            except Exception:
                log.exception("state handler failed")


def _interrupt(response: requests.Response | None) -> None:
    """Wake a thread blocked reading the stream. Closing the response from another thread
    waits for that read to end (up to the server's 15 s keep-alive); shutting the socket
    down ends the read at once."""
    if response is None:
        return
    try:
        sock = response.raw._fp.fp.raw._sock  # http.client response -> buffered reader -> socket
        sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        pass
