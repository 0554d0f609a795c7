"""What the server answers: tickets, sign-in, the hall and its catalogue, ratings, documents."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_serializer

from kiosk.wire.vocabulary import (
    Answer, Count, DeviceKind, HelperRole, Id, Outcome, PriorityGroup, Score, ServiceType, TicketStatus, Time,
    WindowNumber,
)


class Health(Answer):
    status: Literal["ok"]
    db: Literal["ok"]


class HelperPublic(Answer):
    """Who staffs a window: public (公示)."""
    code: str
    name: str
    role: HelperRole


class HallClock(Answer):
    """The hall's clock, for a terminal whose machine may keep another."""
    timezone: str = Field(description="IANA zone name, e.g. Asia/Shanghai")
    now: Time


class SignedIn(Answer):
    token: str
    helper: HelperPublic
    window: WindowNumber


class PartlyPresent(Answer):
    """An answer some of whose fields are left out, not null, when they have no value."""
    absent_when_none: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _leave_out_the_absent(self, to_dict):
        out = to_dict(self)
        for name in self.absent_when_none:
            if getattr(self, name) is None:
                out.pop(name, None)
        return out


class Ticket(PartlyPresent):
    """A ticket as kiosks and windows see it; ``waiting_ahead``, ``estimated_wait_s`` and
    ``staffed_windows`` only while it waits. ``phone`` is masked for a kiosk, whole for staff."""
    absent_when_none = ("waiting_ahead", "estimated_wait_s", "staffed_windows")
    id: Id
    number: str
    queue_id: Id
    matter_id: Id | None
    service_type: ServiceType
    status: TicketStatus
    priority_group: PriorityGroup | None
    issued_at: Time
    called_at: Time | None
    finished_at: Time | None
    outcome: Outcome | None
    window: WindowNumber | None
    recall_count: Count
    phone: str | None
    public_token: str
    waiting_ahead: Count | None = Field(default=None, description="only while waiting")
    estimated_wait_s: Count | None = Field(default=None, description="only while waiting")
    staffed_windows: Count | None = Field(
        default=None, description="only while waiting: windows serving its queue with a helper signed in; "
                                  "0: nobody can call it now, so no wait is promised")


class IssuedTicket(Ticket):
    status_url: str = Field(description="the ticket's public page, for the receipt's QR code")


class HistoryEntry(Answer):
    """One line of the audit log; the action's own details beside these fields."""
    model_config = {"extra": "allow"}
    at: Time
    action: str
    helper_id: Id | None
    device_id: Id | None


class ServiceRecord(Answer):
    id: Id
    window_id: Id
    helper_id: Id
    called_at: Time
    started_at: Time | None
    ended_at: Time | None
    end_reason: str | None
    outcome: Outcome | None
    log: str


class TicketRecord(Ticket):
    """A ticket for staff, with what happened to it."""
    history: list[HistoryEntry]
    services: list[ServiceRecord]


class PublicTicket(PartlyPresent):
    """What anyone with the receipt's token may see: no personal data."""
    absent_when_none = ("estimated_wait_s", "referral")
    number: str
    status: TicketStatus
    issued_at: Time
    waiting_ahead: Count | None
    window: WindowNumber | None
    estimated_wait_s: Count | None = Field(default=None, description="only while waiting")
    referral: str | None = Field(default=None, description="a referred ticket: to which hall, and whether the "
                                                           "referral has been delivered yet")


class WindowInfo(Answer):
    number: WindowNumber
    name: str
    area: str | None
    queue_ids: list[Id]
    helper: HelperPublic | None


class QueueInfo(Answer):
    id: Id
    prefix: str
    name: str
    service_type: str


class MatterInfo(Answer):
    id: Id
    name: str
    category: str
    department: str
    time_limit_days: int
    steps: list[str]
    materials: list[str]
    address: str
    phone: str
    proxy_allowed: bool
    high_frequency: bool
    queue_id: Id
    search_key: str
    name_mn: str | None = None  # the name in traditional Mongolian, where the catalogue has one


class Catalog(Answer):
    queues: list[QueueInfo]
    matters: list[MatterInfo]


class QueueWaiting(Answer):
    queue_id: Id
    prefix: str
    name: str
    waiting: Count
    longest_wait_s: Count


class LineEntry(Answer):
    id: Id
    number: str
    priority_group: PriorityGroup | None
    transferred: bool
    waited_s: Count
    held_until: Time | None = None  # a booked citizen who came early: not called before this


class WindowLine(Answer):
    window: WindowNumber
    waiting: Count
    longest_wait_s: Count
    next: list[LineEntry]
    current: Ticket | None


class DeviceHealthEntry(Answer):
    device: str
    kind: DeviceKind
    window: WindowNumber | None
    component: str
    ok: bool
    message: str
    at: Time


class Rating(PartlyPresent):
    """A service's rating; a proxy case's (``case_id``, ``channel``: pad or web) has no ``service_id``."""
    absent_when_none = ("case_id", "channel")
    id: Id
    service_id: Id | None
    window_id: Id | None
    score: Score
    score_name: str
    pad_seq: Count | None
    rated_at: Time
    case_id: Id | None = None
    channel: Literal["pad", "web"] | None = None


class FollowUp(Answer):
    id: Id
    status: Literal["open", "closed"]
    opened_at: Time
    closed_at: Time | None
    note: str
    helper_id: Id | None
    rating: Rating | None = Field(description="the service rating that opened it; null: a case's rating")
    case_rating_id: Id | None


class Document(Answer):
    id: Id
    ticket_id: Id
    page: int = Field(ge=1)
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    uploaded_at: Time
