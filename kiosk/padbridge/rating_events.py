"""What the bridge needs from the server's events: which service at our window asks for a rating.

Pure: an SseEvent in, a RatingRequested / RatingRecorded (or None) out. The server sends
`{"id", "type", "at", "window", "service_id", "ticket_id", "helper_name", ...}`; other spellings
(`window_number`, `ticket.id`, `helper.name`) are accepted too, since api.md fixes the event
types but not their bodies. A service is identified by `service_id` (what a rating rates).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import datetime

from kiosk.client.sse import SseEvent


@dataclass(frozen=True)
class RatingRequested:
    key: str  # the service being rated: one rating per key
    helper_name: str | None
    requested_at: datetime | None
    timeout_s: float | None  # if the server says how long the pad may stay lit

    @property
    def pad_request_id(self) -> int:
        """The u32 the pad echoes back in its ACK."""
        return int(self.key) & 0xFFFFFFFF if self.key.isdigit() else zlib.crc32(self.key.encode())


@dataclass(frozen=True)
class RatingRecorded:
    key: str


def _body(event: SseEvent) -> dict | None:
    try:
        body = json.loads(event.data)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    inner = body.get("data") if isinstance(body.get("data"), dict) else {}
    return {**inner, **{k: v for k, v in body.items() if k != "data"}}


def _first(body: dict, *paths: str):
    for path in paths:
        value = body
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            return value
    return None


def _window_of(body: dict) -> int | None:
    value = _first(body, "window", "window_number", "window.number", "ticket.window")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def parse_event(event: SseEvent, window: int) -> RatingRequested | RatingRecorded | None:
    if event.type not in ("rating.requested", "rating.recorded"):
        return None
    body = _body(event)
    if body is None or _window_of(body) != window:
        return None
    key = _first(body, "service_id", "ticket_id", "ticket.id", "rating_request_id")
    if event.type == "rating.recorded":
        return RatingRecorded(str(key)) if key is not None else None
    key = str(key) if key is not None else (f"event-{event.id}" if event.id else None)
    if key is None:
        return None
    helper = _first(body, "helper.name", "helper_name")
    timeout = _first(body, "timeout_s", "expires_in_s")
    return RatingRequested(
        key=key,
        helper_name=str(helper) if helper else None,
        requested_at=_time(_first(body, "requested_at", "finished_at", "at", "ts", "time")),
        timeout_s=float(timeout) if isinstance(timeout, (int, float)) else None,
    )
