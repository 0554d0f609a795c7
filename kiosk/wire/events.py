"""The Server-Sent Events' payloads: one model per event type.

Every event on ``/api/v1/events`` is ``id: N``, ``event: TYPE`` and ``data:`` a JSON object of
``id``, ``type`` and ``at`` (the envelope) and the payload's fields beside them. A client reads
one with ``parse(type, data)``.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from kiosk.wire.answers import HelperPublic
from kiosk.wire.vocabulary import (
    Answer, CaseState, Count, Id, Outcome, ProblemStatus, Score, SignedForm, Time, WindowNumber,
)


class Payload(Answer):
    type: ClassVar[str]


class Envelope(Answer):
    id: int
    type: str
    at: Time | None = None  # the stream's own "stream.position" has no time


class TicketIssued(Payload):
    type: ClassVar[str] = "ticket.issued"
    ticket_id: Id
    number: str
    queue_id: Id
    priority: bool
    waiting: Count


class TicketCalled(Payload):
    type: ClassVar[str] = "ticket.called"
    ticket_id: Id
    number: str
    queue_id: Id
    window: WindowNumber
    window_name: str
    waiting: Count


class TicketRecalled(TicketCalled):
    type: ClassVar[str] = "ticket.recalled"


class TicketStarted(Payload):
    type: ClassVar[str] = "ticket.started"
    ticket_id: Id
    number: str
    window: WindowNumber


class TicketNoShow(Payload):
    type: ClassVar[str] = "ticket.no_show"
    ticket_id: Id
    number: str
    window: WindowNumber
    queue_id: Id


class TicketTransferred(Payload):
    type: ClassVar[str] = "ticket.transferred"
    ticket_id: Id
    number: str
    from_window: WindowNumber
    to_window: WindowNumber | None
    queue_id: Id
    waiting: Count


class TicketFinished(Payload):
    type: ClassVar[str] = "ticket.finished"
    ticket_id: Id
    number: str
    window: WindowNumber
    outcome: Outcome
    queue_id: Id


class RatingRequested(Payload):
    """The window's pad lights up for the service just finished."""
    type: ClassVar[str] = "rating.requested"
    window: WindowNumber
    service_id: Id
    ticket_id: Id
    number: str
    helper_code: str
    helper_name: str


class RatingRecorded(Payload):
    type: ClassVar[str] = "rating.recorded"
    window: WindowNumber
    service_id: Id
    number: str
    score: Score


class FollowUpOpened(Payload):
    """A bad rating of a service (``window``) or of a proxy case (``case_id``)."""
    type: ClassVar[str] = "followup.opened"
    follow_up_id: Id
    window: WindowNumber | None = None
    case_id: Id | None = None
    number: str | None
    score: Score


class FollowUpClosed(Payload):
    type: ClassVar[str] = "followup.closed"
    follow_up_id: Id


class WindowStaffed(Payload):
    """Who staffs a window is public (公示): the hall display follows it. ``helper`` null: nobody
    (signed out, or the session ended when its terminal fell silent)."""
    type: ClassVar[str] = "window.staffed"
    window: WindowNumber
    helper: HelperPublic | None


class DocumentAdded(Payload):
    type: ClassVar[str] = "document.added"
    ticket_id: Id
    number: str
    page: int


class CaseChanged(Payload):
    """Told to both halls that follow the case (its own and the one working it, or both ends of a
    referral). ``change`` says what changed: a step's action, or item, problem, signature, rating,
    referral; the fields that go with it come only with it."""
    type: ClassVar[str] = "case.changed"
    case_id: Id
    state: CaseState
    number: str | None
    change: str
    problem_id: Id | None = None
    problem_status: ProblemStatus | None = None
    form: SignedForm | None = None
    score: Score | None = None
    referral_id: Id | None = None
    referral_status: Literal["offered", "accepted", "declined"] | None = None


class ReferralCreated(Payload):
    type: ClassVar[str] = "referral.created"
    referral_id: Id
    number: str
    to_hall: str


class ReferralAccepted(Payload):
    type: ClassVar[str] = "referral.accepted"
    referral_id: Id


class ReferralClosed(ReferralAccepted):
    type: ClassVar[str] = "referral.closed"


class CatalogueChanged(Payload):
    """The hall's set-up changed (its areas, queues, windows, matters or hours): a kiosk reads
    its catalogue again, a window terminal its matters, without a restart."""
    type: ClassVar[str] = "catalogue.changed"
    parts: list[Literal["areas", "queues", "windows", "matters", "hours"]]
    summary: str


class StaffChanged(Payload):
    """The staff register changed: the hall display reads the posted (公示) list again."""
    type: ClassVar[str] = "staff.changed"
    summary: str


class StreamPosition(Payload):
    """Sent first to a client that starts "from now": where now is, to resume from."""
    type: ClassVar[str] = "stream.position"


PAYLOADS: dict[str, type[Payload]] = {m.type: m for m in (
    TicketIssued, TicketCalled, TicketRecalled, TicketStarted, TicketNoShow, TicketTransferred, TicketFinished,
    RatingRequested, RatingRecorded, FollowUpOpened, FollowUpClosed, WindowStaffed, DocumentAdded,
    CaseChanged, ReferralCreated, ReferralAccepted, ReferralClosed, CatalogueChanged, StaffChanged,
    StreamPosition)}

Kind = Literal[tuple(PAYLOADS)]


def parse(type_: str, data: dict) -> Payload | None:
    """An event's payload as its model (the envelope's ``id``, ``type``, ``at`` left aside);
    None for a type this client does not know (a newer server)."""
    model = PAYLOADS.get(type_)
    return None if model is None else model.model_validate(data)
