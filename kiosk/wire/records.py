"""What the server answers about proxy cases, referrals, the ledger and the figures."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from kiosk.wire.vocabulary import (
    Answer, CaseState, Count, DayText, DeliveryMethod, Id, ProblemStatus, Score, SignedForm, Time,
)


class PersonRef(Answer):
    code: str
    name: str


class CaseStepRecord(Answer):
    model_config = {"populate_by_name": True}
    id: Id
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


class HallName(Answer):
    code: str
    name: str


class CaseSignature(Answer):
    form: SignedForm
    form_name: str
    step_id: Id
    document_id: Id
    signed_at: Time


class UnsignedForm(Answer):
    form: SignedForm
    form_name: str
    step_id: Id


class ProblemUpdate(Answer):
    at: Time
    status: ProblemStatus
    status_name: str
    handling: str
    helper_id: Id | None


class CaseProblem(Answer):
    """问题记录: a problem met on a case and how it was handled."""
    id: Id
    summary: str
    status: ProblemStatus
    status_name: str
    handling: str
    raised_at: Time
    raised_by: Id | None
    updated_at: Time | None
    updates: list[ProblemUpdate]


class CaseDelivery(Answer):
    method: DeliveryMethod
    method_name: str
    carrier: str
    tracking_number: str
    document_id: Id | None
    sent_at: Time | None
    received_at: Time | None
    received_by: str | None


class CaseRatingBrief(Answer):
    score: Score
    channel: Literal["pad", "web"]
    rated_at: Time


class CaseReferral(Answer):
    """A case offered to the hall one level up or down."""
    id: Id
    case_id: Id
    from_hall: HallName | None
    to_hall: HallName | None
    helper: PersonRef
    note: str
    status: Literal["offered", "accepted", "declined"]
    created_at: Time
    answered_at: Time | None
    answer: str | None


class Case(Answer):
    """A proxy case (代办件). ``id_number`` and ``phone`` are masked in lists and for those
    not in charge of it; ``steps``, ``items``, ``public_code``, ``signatures``, ``unsigned``,
    ``problems``, ``delivery_record``, ``rating`` and ``referrals`` come with a single case, to those
    who see it in full."""
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
    delivery: DeliveryMethod = Field(description="the way of delivery the applicant chose")
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
    public_token: str
    hall: HallName | None
    handling_hall: HallName | None = Field(description="the hall a referral handed it to, if any")
    status_url: str | None = Field(default=None, description="the case's public page, for the 受理单's QR code")
    steps: list[CaseStepRecord] | None = None
    items: list[CaseItemRecord] | None = None
    public_code: str | None = Field(default=None, description="查询码, printed on the 受理单")
    signatures: list[CaseSignature] | None = None
    unsigned: list[UnsignedForm] | None = None
    problems: list[CaseProblem] | None = None
    delivery_record: CaseDelivery | None = Field(
        default=None, description="for a case seen in full, how the result went out (null: not yet delivered)")
    rating: CaseRatingBrief | None = None
    referrals: list[CaseReferral] | None = None


class CaseReferralListed(CaseReferral):
    case: Case


class CaseDocument(Answer):
    id: Id
    case_id: Id
    kind: str
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    uploaded_at: Time


class SignedCase(Answer):
    """A signed page or a result uploaded: the document and the case as it now is."""
    document: CaseDocument
    case: Case


class PublicDelivery(Answer):
    method_name: str
    carrier: str
    tracking_tail: str
    received_at: Time | None


class PublicStep(Answer):
    at: Time
    action: str
    action_name: str
    state_name: str


class PublicCase(Answer):
    """What anyone with the case's link may see: nothing that tells who the applicant is."""
    number: str | None
    hall: str
    handling_hall: str | None
    matter: str
    applicant: str = Field(description="masked")
    state: CaseState
    state_name: str
    next_step: str
    deadline: DayText | None
    resume_by: DayText | None
    reason_name: str | None
    delivery: PublicDelivery | None
    history: list[PublicStep]
    may_rate: bool
    may_confirm_receipt: bool
    may_download: bool
    rated: bool


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
    entrusted_without_signature: Count = Field(description="accepted with no signed 委托书 recorded")


class Completion(Answer):
    """按时办结率 of matters: help services done at the window, and proxy cases completed."""
    completed: Count
    at_window: Count
    cases: Count
    on_time: Count
    open_late: Count = Field(description="cases still open past their deadline: late, in the rate")
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
    completion: Completion | None = None
    assessment: Assessment
