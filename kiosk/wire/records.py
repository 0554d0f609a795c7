"""What the server answers about proxy cases, referrals, the ledger and the figures."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from kiosk.wire.vocabulary import Answer, CaseState, Count, DayText, Id, Time


class PersonRef(Answer):
    code: str
    name: str


class CaseStepRecord(Answer):
    model_config = {"populate_by_name": True}
    at: Time
    action: str
    from_: str | None = Field(alias="from")
    to: str
    helper_id: Id | None
    reason: str | None
    note: str


class CaseItem(Answer):
    id: Id
    direction: Literal["received", "returned"]
    name: str
    copies: int = Field(ge=1)


class CaseItemRecord(Answer):
    direction: Literal["received", "returned"]
    name: str
    copies: int = Field(ge=1)
    original: bool
    at: Time


class Case(Answer):
    """A proxy case (代办件). ``id_number`` and ``phone`` are masked in lists and for those
    not in charge of it; ``steps`` and ``items`` come with a single case only."""
    id: Id
    number: str | None
    state: CaseState
    state_name: str
    matter_id: Id
    matter: str
    applicant: str
    applicant_kind: Literal["person", "organisation"]
    id_number: str
    phone: str
    delivery: Literal["electronic", "pickup", "ems"]
    helper: PersonRef
    ticket_id: Id | None
    entrusted_at: Time
    accepted_at: Time | None
    deadline: DayText | None
    resume_by: DayText | None
    reason: str | None
    reason_name: str | None
    closed_at: Time | None
    due: Literal["overdue", "due_soon", "on_time"] | None
    steps: list[CaseStepRecord] | None = None
    items: list[CaseItemRecord] | None = None


class HallRef(Answer):
    code: str
    name: str
    level: str
    relation: Literal["parent", "child"]


class Referral(Answer):
    id: Id
    ticket_id: Id
    number: str
    from_hall: str
    to_hall: str
    helper: PersonRef
    note: str
    status: Literal["open", "accepted", "closed"]
    created_at: Time
    accepted_at: Time | None
    closed_at: Time | None
    result: str | None


class LedgerColumn(Answer):
    key: str
    title: str


class Ledger(Answer):
    """The ledger on screen: Chinese column titles, and rows keyed by the columns' keys."""
    columns: list[LedgerColumn]
    rows: list[dict[str, str | int | float | None]]


class Times(Answer):
    """Waiting or service times in minutes."""
    count: Count
    mean_min: float | None
    p90_min: int | None


class Satisfaction(Answer):
    rated: Count
    satisfied: Count
    rate: float | None
    meets_target: bool | None


class ServiceFigures(Answer):
    group: str | None
    period: str | None
    waiting: Times | None
    service: Times | None
    satisfaction: Satisfaction
    rating_coverage: float | None


class AssessmentLine(Answer):
    item: str
    full: int
    score: float | None
    basis: str
    manual: bool


class Assessment(Answer):
    lines: list[AssessmentLine]
    scored: float
    of: int
    manual_items: list[str]


class CasesClosed(Answer):
    closed: Count
    on_time: Count
    on_time_rate: float | None


class FollowUpCounts(Answer):
    open: Count
    closed: Count


class HallFigures(Answer):
    model_config = {"populate_by_name": True}
    from_: DayText = Field(alias="from")
    to: DayText
    services: Count
    waiting: Times | None
    service: Times | None
    satisfaction: Satisfaction
    rating_coverage: float | None
    cases: CasesClosed
    follow_ups: FollowUpCounts
    assessment: Assessment
