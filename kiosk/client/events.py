"""EventFollower: follows the server's event stream on its own thread, for ever.

    follower = EventFollower(server_url, token, on_event=print, on_state=print)
    follower.start()          # on_event(dict) for each event, in id order, none twice
    ...                       # on_state(True/False) when the stream comes up or goes down
    follower.stop()

After any disconnect it reconnects with backoff and resumes with ``Last-Event-ID``, so
nothing is missed; why the stream was lost is ``last_error`` (a ``ClientError``). Callbacks
run on the follower's thread: a Kivy app hands them on with ``Clock.schedule_once``.
"""
from __future__ import annotations

import json
import logging
import socket
import threading
from dataclasses import dataclass
from typing import Callable

import requests

from .api import error_from
from .errors import ClientError, ServerUnreachable
from .sse import SseParser

log = logging.getLogger("bangban.client.events")


@dataclass
class Backoff:
    """The reconnect policy of every client: wait ``first_s``, then twice as long each failure
    up to ``longest_s``; back to ``first_s`` once the server has answered."""
    first_s: float = 0.2
    longest_s: float = 5.0

    def __post_init__(self) -> None:
        self.next_s = self.first_s

    def failed(self) -> float:
        """How long to wait before the next try."""
        wait, self.next_s = self.next_s, min(self.next_s * 2, self.longest_s)
        return wait

    def succeeded(self) -> None:
        self.next_s = self.first_s


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
        self.backoff = Backoff(*backoff_s)
        self.read_timeout_s = read_timeout_s
        self.last_error: ClientError | None = None
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

    @property
    def running(self) -> bool:
        """The thread still follows (False once stopped, or if it died on a bug)."""
        return self._thread.is_alive()

    def __enter__(self) -> "EventFollower":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the thread ---------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow_once()
                self.last_error = ServerUnreachable("the event stream ended")
            except ClientError as exc:
                self.last_error = exc
            except Exception as exc:  # a bug: report it, and resume from last_id all the same
                log.exception("event stream failed")
                self.last_error = ClientError(f"事件流出错：{exc.__class__.__name__}")
            if self.connected:
                self.backoff.succeeded()  # it was up (a server restart): come back quickly
            self._set_connected(False)
            if self._stop.is_set():
                break
            delay = self.backoff.failed()
            log.info("event stream lost (%s); retrying in %.1f s", self.last_error.code, delay)
            if self._stop.wait(delay):
                break

    def _follow_once(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        if self.last_id is not None:
            headers["Last-Event-ID"] = str(self.last_id)
        try:
            with requests.get(self.url, headers=headers, stream=True,
                              timeout=(3.0, self.read_timeout_s)) as response:
                self._response = response
                if response.status_code != 200:
                    raise error_from(response)
                self._set_connected(True)
                parser = SseParser()
                for chunk in response.iter_content(chunk_size=None):
                    if self._stop.is_set():
                        return
                    for event in parser.feed(chunk):
                        self._deliver(event.id, event.data)
        except (requests.RequestException, OSError, ValueError) as exc:
            # ValueError/OSError too: stop() shut the socket down under the read
            raise ServerUnreachable(repr(exc)) from exc

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
    down ends the read at once. The socket is the connection's (``sock``) that urllib3
    keeps with a streamed response."""
    sock = getattr(getattr(getattr(response, "raw", None), "connection", None), "sock", None)
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
