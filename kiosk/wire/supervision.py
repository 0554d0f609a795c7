"""The bodies of supervision: complaints and requests (诉求), return visits (回访), seed 004's
assessment, the green channel a coordinator grants, and the missing-materials slip."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kiosk.domain import assessment as calc
from kiosk.domain import complaints as words
from kiosk.domain import return_visits as visits
from kiosk.domain.working_days import HALL_YEARS
from kiosk.wire.vocabulary import Answer, Day, Count, DayText, Id, Id32, Request, Score, Time, WindowNumber, refusal

ComplaintKind = Literal[tuple(words.KIND_NAMES)]
ComplaintSource = Literal[tuple(words.SOURCE_NAMES)]
ComplaintCategory = Literal[tuple(words.CATEGORY_NAMES)]
ComplaintPriority = Literal[tuple(words.PRIORITY_NAMES)]
Finding = Literal[tuple(words.FINDING_NAMES)]
ItemKey = Literal[tuple(calc.ITEM_BY_KEY)]
Phone = Field(default="", max_length=20, pattern=r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})?$")


class ComplaintNew(Request):
    kind: ComplaintKind = "complaint"
    source: ComplaintSource
    category: ComplaintCategory = "other"
    priority: ComplaintPriority = "normal"
    subject: str = Field(min_length=1, max_length=5000)
    person: str = Field(default="", max_length=100)
    phone: str = Phone
    helper_id: Id32 | None = None
    window: WindowNumber | None = None
    handler_id: Id32 | None = None


class PublicComplaint(Request):
    """What the public page's form sends: no helper ids, the source is the page."""
    kind: ComplaintKind = "complaint"
    subject: str = Field(min_length=1, max_length=2000)
    person: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=20, pattern=r"^(1[3-9][0-9]{9})?$")
    window: WindowNumber | None = None


class ComplaintHandle(Request):
    handling: str = Field(min_length=1, max_length=5000)
    result: str = Field(min_length=1, max_length=5000)
    finding: Finding | None = None
    serious: bool = False


class Complaint(Answer):
    id: Id
    kind: ComplaintKind
    kind_name: str
    source: ComplaintSource
    source_name: str
    category: ComplaintCategory
    category_name: str
    priority: ComplaintPriority
    subject: str
    person: str
    phone: str = Field(description="masked")
    helper_id: Id | None
    helper_name: str | None
    window: int | None
    handler_id: Id | None
    handler_name: str | None
    received_at: Time
    deadline: DayText
    status: Literal[tuple(words.STATUS_NAMES)]
    status_name: str
    handled_at: Time | None
    handling: str
    result: str
    finding: Finding | None
    serious: bool
    on_time: bool | None = Field(description="handled by the deadline; None while open and not late")


class ComplaintFigures(Answer):
    received: Count
    handled: Count
    handled_on_time: Count
    open_late: Count
    on_time_rate: float | None = Field(description="handled on time among those handled or late; target 100 %")
    complaints_counted: Count = Field(description="complaints counted by seed 004 (not found untrue)")


class ReturnVisitDraw(Request):
    first: Day = Field(description="the completed services and cases of first..last are drawn from")
    last: Day
    share: float = Field(default=visits.DEFAULT_SHARE, gt=0, le=1)
    minimum: int = Field(default=visits.MIN_SAMPLE, ge=0, le=1000)


class ReturnVisitResult(Request):
    status: Literal["done", "unreachable"]
    score: Score | None = None
    note: str = Field(default="", max_length=5000)

    @model_validator(mode="after")
    def _a_call_answered_has_a_score(self):
        if self.status == "done" and self.score is None:
            raise refusal("score_required", "已回访的请选择群众的满意度")
        return self


class ReturnVisit(Answer):
    id: Id
    period: str
    subject: Literal[tuple(visits.SUBJECT_NAMES)]
    subject_id: Id
    label: str = Field(description="the ticket's number or the case's 受理单编号")
    matter: str
    phone: str = Field(description="masked")
    helper_name: str | None
    drawn_at: Time
    status: Literal[tuple(visits.STATUS_NAMES)]
    status_name: str
    called_at: Time | None
    score: Score | None
    score_name: str | None
    note: str


class DrawResult(Answer):
    period: str
    population: Count
    drawn: list[ReturnVisit]


class AssessmentEntryNew(Request):
    year: int = Field(ge=HALL_YEARS[0], le=HALL_YEARS[-1])
    item: ItemKey
    counts: dict[str, int] = Field(default_factory=dict)
    zeroed: bool = False
    serious: bool = False
    note: str = Field(default="", max_length=5000)

    @model_validator(mode="after")
    def _counts_of_the_item(self):
        own = {d.key for d in calc.ITEM_BY_KEY[self.item].deductions}
        for key, n in self.counts.items():
            if key not in own or not 0 <= n <= 1000:
                raise refusal("bad_count", f"“{calc.ITEM_BY_KEY[self.item].name}”没有“{key}”这一扣分项，或次数不在 0 到 1000 之间")
        return self


class DeductionLine(Answer):
    name: str
    instances: Count
    points: int
    source: Literal["records", "inspection"]


class AssessmentItem(Answer):
    key: ItemKey
    item: str
    full: int
    score: float | None
    deducted: float
    zeroed: bool
    deductions: list[DeductionLine]
    note: str = Field(description="the assessor's evidence")


class HallAssessment(Answer):
    hall_id: Id
    hall: str
    year: int
    items: list[AssessmentItem]
    total: float
    complete: bool
    serious: bool
    passed: bool


class AnnualRow(Answer):
    hall_id: Id
    hall: str
    township: float
    villages: list[str] = Field(description="the sampled villages, each with its score")
    score: float
    rank: int
    grade: str


class GreenChannel(Request):
    reason: str = Field(min_length=1, max_length=500)


class MissingMaterialsRequest(Request):
    matter_id: Id32
    have: list[str] = Field(default_factory=list, max_length=100, description="the materials the person brought")
    ticket_id: Id | None = None
    note: str = Field(default="", max_length=500)


class MissingMaterialsSlip(Answer):
    hall: str
    hall_phone: str
    matter: str
    department: str
    address: str
    phone: str
    time_limit_days: Count
    missing: list[str]
    have: list[str]
    ticket_number: str | None
    helper: str | None
    window: int | None
    issued_at: Time
    note: str


class GreenChannelGranted(Answer):
    ticket_id: Id
    number: str
    priority_group: Literal["green_channel"]
    ahead: Count = Field(description="people ahead of it in its queue now")
