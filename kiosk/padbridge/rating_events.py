"""What the bridge needs from the server's events: which service at our window asks for a rating.

Pure: an event as the server sends it (a dict, from ``kiosk.client.EventFollower``) in, a
RatingRequested / RatingRecorded (or None) out. The server's bodies (``kiosk/server/tickets.py``
and ``pg_functions.sql``): ``rating.requested`` is ``{"id", "type", "at", "window", "service_id",
"ticket_id", "number", "helper_code", "helper_name"}``, ``rating.recorded`` is ``{"id", "type",
"at", "window", "service_id", "number", "score"}``. A service is what a rating rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
    if event.get("type") not in ("rating.requested", "rating.recorded") or event.get("window") != window:
        return None
    service_id = event.get("service_id")
    if not isinstance(service_id, int) or isinstance(service_id, bool):
        return None
    if event["type"] == "rating.recorded":
        return RatingRecorded(service_id)
    helper = event.get("helper_name")
    return RatingRequested(service_id, str(helper) if helper else None, _time(event.get("at")))
