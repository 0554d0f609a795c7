"""What the hall display shows, as plain data: events in, a board out. No Kivy here."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from kiosk.domain.roles import role_name

CALL_TYPES = ("ticket.called", "ticket.recalled")
ANNOUNCE_WITHIN_S = 120  # a call replayed after a long outage is shown, not said


@dataclass(frozen=True)
class Call:
    number: str
    window: int
    window_name: str
    event_id: int
    at: str
    recalled: bool = False

    @property
    def sentence(self) -> str:
        return f"请 {self.number} 号到 {self.window} 号窗口办理"


@dataclass(frozen=True)
class QueueCount:
    queue_id: int
    prefix: str
    name: str
    waiting: int


@dataclass(frozen=True)
class Staffing:
    window: int
    window_name: str
    helper_name: str | None
    role: str | None

    @property
    def role_name(self) -> str:
        return role_name(self.role)


@dataclass
class HallBoard:
    max_recent: int = 8
    latest: Call | None = None
    per_window: dict[int, Call] = field(default_factory=dict)  # the last call at each window
    queues: dict[int, QueueCount] = field(default_factory=dict)
    staffing: list[Staffing] = field(default_factory=list)
    connected: bool = False

    def recent(self) -> list[Call]:
        """The last call of each window, newest first, at most ``max_recent``."""
        return sorted(self.per_window.values(), key=lambda c: c.event_id, reverse=True)[:self.max_recent]

    def apply(self, event: dict) -> Call | None:
        """Take one event from the stream; returns the call to announce, if it is one."""
        kind = event.get("type")
        queue_id, waiting = event.get("queue_id"), event.get("waiting")
        if queue_id in self.queues and isinstance(waiting, int):
            self.queues[queue_id] = replace(self.queues[queue_id], waiting=waiting)
        if kind == "window.staffed":
            self._staff(event)
        if kind not in CALL_TYPES:
            return None
        call = Call(number=event["number"], window=int(event["window"]),
                    window_name=event.get("window_name") or "", event_id=int(event.get("id") or 0),
                    at=event.get("at") or "", recalled=kind == "ticket.recalled")
        self.per_window[call.window] = call
        if self.latest is None or call.event_id >= self.latest.event_id:
            self.latest = call
        return call

    def _staff(self, event: dict) -> None:
        helper = event.get("helper") or {}
        self.staffing = [replace(s, helper_name=helper.get("name"), role=helper.get("role"))
                         if s.window == event.get("window") else s for s in self.staffing]

    def resync(self, windows: list[dict], waiting: list[dict]) -> None:
        """Counts and staffing as the server has them now (on start and after a reconnect)."""
        self.queues = {q["queue_id"]: QueueCount(q["queue_id"], q["prefix"], q["name"], q["waiting"])
                       for q in waiting}
        self.staffing = [Staffing(w["number"], w["name"], (w.get("helper") or {}).get("name"),
                                  (w.get("helper") or {}).get("role")) for w in windows]


def fresh_enough(call: Call, now: datetime | None = None) -> bool:
    """Whether a call is recent enough to say aloud (not a replay from long ago)."""
    try:
        at = datetime.fromisoformat(call.at)
    except ValueError:
        return True
    now = now or datetime.now(timezone.utc)
    return (now - at).total_seconds() <= ANNOUNCE_WITHIN_S
