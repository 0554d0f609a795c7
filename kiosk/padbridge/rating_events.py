"""What the bridge needs from the server's events: which service at our window asks for a rating.

Pure: an event as the server sends it (a dict, from ``kiosk.client.EventFollower``) in, a
RatingRequested / RatingRecorded (or None) out. The payloads are the wire's
(``kiosk.wire.events.RatingRequested`` and ``RatingRecorded``), read strictly: an event that
does not match its model is ignored. A service is what a rating rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from kiosk.wire import events as wire_events


@dataclass(frozen=True)
class RatingRequested:
    service_id: int  # one rating per service
    helper_name: str | None
    requested_at: datetime | None  # the server's clock

    @property
    def key(self) -> str:
        """The outbox's name for the service (its request_key)."""
        return str(self.service_id)

    @property
    def pad_request_id(self) -> int:
        """The u32 the pad echoes back in its ACK."""
        return self.service_id & 0xFFFFFFFF


@dataclass(frozen=True)
class RatingRecorded:
    service_id: int

    @property
    def key(self) -> str:
        return str(self.service_id)


def _time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def parse_event(event: dict, window: int) -> RatingRequested | RatingRecorded | None:
    model = {"rating.requested": wire_events.RatingRequested,
             "rating.recorded": wire_events.RatingRecorded}.get(event.get("type"))
    if model is None:
        return None
    try:
        payload = model.model_validate(event, strict=True)  # the envelope's id, type, at left aside
    except ValidationError:
        return None
    if payload.window != window:
        return None
    if isinstance(payload, wire_events.RatingRecorded):
        return RatingRecorded(payload.service_id)
    return RatingRequested(payload.service_id, payload.helper_name or None, _time(event.get("at")))
