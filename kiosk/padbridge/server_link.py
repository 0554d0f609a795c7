"""The bridge's HTTP side (per shared/api.md): post ratings and device health, follow the event stream."""

from __future__ import annotations

import codecs
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

import requests

from .errors import ServerRefusedToken, ServerUnreachable
from kiosk.client.sse import SseEvent, SseParser

log = logging.getLogger(__name__)


class Outcome(Enum):
    STORED = "stored"  # 200/201: the server has it (200 also for a repeated pad_seq)
    REFUSED = "refused"  # the server will never take it (409 nothing to rate, 400/404/422): drop it
    RETRY = "retry"  # the server could not take it now (5xx, 401/403/429, no connection): keep it


@dataclass(frozen=True)
class RatingReply:
    outcome: Outcome
    status: int | None
    message: str  # the server's Chinese error message, or ours


REFUSED_STATUSES = {400, 404, 409, 422}


def _error_message(resp: requests.Response) -> str:
    try:
        return resp.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return resp.text[:200]


class ServerLink:
    def __init__(self, base_url: str, token: str, timeout_s: float = 5.0, stream_read_timeout_s: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.stream_read_timeout_s = stream_read_timeout_s
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"
        self._stream: requests.Response | None = None
        self._stream_lock = threading.Lock()
        self.health_supported = True
        self.stream_connected = threading.Event()  # set while the event stream is open
        self.streams_opened = 0

    def close(self) -> None:
        self.close_stream()
        self._session.close()

    def post_rating(self, window: int, score: int, pad_seq: int, *,
                    service_id: int | None = None, pressed_at: str | None = None) -> RatingReply:
        """``service_id`` and ``pressed_at`` let a rating queued during an outage rate the right service."""
        body = {"score": score, "pad_seq": pad_seq}
        if service_id is not None:
            body["service_id"] = service_id
        if pressed_at is not None:
            body["pressed_at"] = pressed_at
        try:
            resp = self._session.post(
                f"{self.base_url}/api/v1/windows/{window}/ratings",
                json=body,
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            return RatingReply(Outcome.RETRY, None, ServerUnreachable(self.base_url, str(exc)).message)
        if resp.status_code in (200, 201):
            return RatingReply(Outcome.STORED, resp.status_code, "")
        outcome = Outcome.REFUSED if resp.status_code in REFUSED_STATUSES else Outcome.RETRY
        return RatingReply(outcome, resp.status_code, _error_message(resp))

    def post_health(self, ok: bool, message: str) -> bool:
        """True when the server took it, False when it has no health route (404). Raises when unreachable."""
        if not self.health_supported:
            return False
        try:
            resp = self._session.post(
                f"{self.base_url}/api/v1/devices/health",
                json={"component": "ratepad", "ok": ok, "message": message},
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise ServerUnreachable(self.base_url, str(exc)) from None
        if resp.status_code == 404:
            log.info("服务器没有设备状态接口（404），不再上报评价器状态")
            self.health_supported = False
            return False
        if resp.status_code in (401, 403):
            raise ServerRefusedToken(_error_message(resp))
        if resp.status_code >= 300:
            raise ServerUnreachable(self.base_url, f"HTTP {resp.status_code}")
        return True

    def events(self, last_event_id: str | None) -> Iterator[SseEvent]:
        """One connection to the event stream; ends (raising ServerUnreachable) when it drops."""
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        try:
            resp = self._session.get(
                f"{self.base_url}/api/v1/events",
                headers=headers,
                stream=True,
                timeout=(self.timeout_s, self.stream_read_timeout_s),
            )
        except requests.RequestException as exc:
            raise ServerUnreachable(self.base_url, str(exc)) from None
        with self._stream_lock:
            self._stream = resp
        try:
            if resp.status_code in (401, 403):
                raise ServerRefusedToken(_error_message(resp))
            if resp.status_code != 200:
                raise ServerUnreachable(self.base_url, f"events: HTTP {resp.status_code}")
            self.streams_opened += 1
            self.stream_connected.set()
            parser = SseParser()
            parser.last_id = last_event_id
            utf8 = codecs.getincrementaldecoder("utf-8")("replace")  # a 汉字 may be split across chunks
            for chunk in resp.iter_content(chunk_size=None):
                yield from parser.feed(utf8.decode(chunk))
            raise ServerUnreachable(self.base_url, "event stream ended")
        except (requests.RequestException, AttributeError, ValueError) as exc:
            # AttributeError/ValueError: the stream was closed under us by close_stream()
            raise ServerUnreachable(self.base_url, str(exc)) from None
        finally:
            self.stream_connected.clear()
            with self._stream_lock:
                self._stream = None
            resp.close()

    def close_stream(self) -> None:
        """Break a blocking events() read from another thread (on shutdown)."""
        with self._stream_lock:
            stream = self._stream
        if stream is None:
            return
        # close() alone does not wake a thread blocked in recv(); shutting the socket down does
        sock = getattr(getattr(stream.raw, "connection", None), "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        stream.close()
