"""What clients send. Every model is strict (see ``vocabulary.Request``)."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from kiosk.wire.vocabulary import (
    MOBILE, Day, DeliveryMethod, Id, Id32, Moment, Outcome, PriorityGroup, ProblemStatus, Request, Score,
    ServiceType, WindowNumber, refusal,
)


class TicketRequest(Request):
    matter_id: Id32 | None = None
    queue_id: Id32 | None = None
    service_type: ServiceType
    priority_group: PriorityGroup | None = None
    phone: str | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _one_target_and_a_mobile(self):
        if (self.matter_id is None) == (self.queue_id is None):
            raise refusal("matter_or_queue", "请选择一个事项或一个队列（二者选一）")
        if self.phone is not None and not re.fullmatch(MOBILE, self.phone):
            raise refusal("invalid_phone", "手机号应为 11 位数字、以 1 开头，请核对后重新输入")
        return self


class SessionRequest(Request):
    helper_code: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=1, max_length=64)
    window: WindowNumber


class TransferRequest(Request):
    to_window: WindowNumber | None = None
    to_queue: Id32 | None = None
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _one_target(self):
        if (self.to_window is None) == (self.to_queue is None):
            raise refusal("window_or_queue", "请选择转办到一个窗口或一个队列（二者选一）")
        return self


class FinishRequest(Request):
    outcome: Outcome
    log: str = Field(default="", max_length=20000)


class RatingRequest(Request):
    score: Score
    pad_seq: int = Field(ge=0, le=2**62)
    # A bridge that queued the press while the server was away says which service it
    # rated and when the key was pressed, so a late delivery rates the right service.
    service_id: Id | None = None
    pressed_at: Moment | None = None


class HealthReport(Request):
    component: str = Field(min_length=1, max_length=20, pattern=r"^[a-z_]+$")
    ok: bool
    message: str = Field(default="", max_length=200)


class FollowUpClose(Request):
    note: str = Field(min_length=1, max_length=5000)


class CaseRequest(Request):
    matter_id: Id32
    ticket_id: Id | None = None
    applicant: str = Field(min_length=1, max_length=100)
    applicant_kind: Literal["person", "organisation"]
    id_number: str = Field(min_length=1, max_length=30)  # checked by kiosk.domain.identity
    phone: str = Field(min_length=1, max_length=20)
    delivery: DeliveryMethod = "pickup"


class CaseStepRequest(Request):
    action: Literal["accept", "start", "suspend", "resume", "complete", "terminate", "archive"]
    reason: str | None = Field(default=None, max_length=30)
    resume_by: Day | None = None
    note: str = Field(default="", max_length=5000)


class CaseItemRequest(Request):
    direction: Literal["received", "returned"]
    name: str = Field(min_length=1, max_length=200)
    copies: int = Field(default=1, ge=1, le=999)
    original: bool = False


class ReferralRequest(Request):
    ticket_id: Id
    to_hall: str = Field(min_length=1, max_length=32)
    note: str = Field(min_length=1, max_length=2000)


class ReferralClose(Request):
    result: str = Field(min_length=1, max_length=5000)


# Proxy cases (issue 24): the problem log, delivery, referrals between halls, the public page.
CASE_CODE = r"^[0-9]{6}$"


class CaseProblemRequest(Request):
    summary: str = Field(min_length=1, max_length=2000)


class CaseProblemUpdate(Request):
    status: ProblemStatus
    handling: str = Field(min_length=1, max_length=5000)


class CaseDeliveryRequest(Request):
    """Pickup or post; an electronic result is delivered by uploading it."""
    method: Literal["pickup", "ems"]
    carrier: str = Field(default="", max_length=40)
    tracking_number: str = Field(default="", max_length=40, pattern=r"^[0-9A-Za-z-]*$")

    @model_validator(mode="after")
    def _posted_with_its_tracking(self):
        if self.method == "ems" and not (self.carrier.strip() and self.tracking_number):
            raise refusal("tracking_required", "邮寄送达须填写快递公司和运单号")
        return self


class CaseReceiptRequest(Request):
    note: str = Field(min_length=1, max_length=2000)  # e.g. 电话确认已签收


class CaseReferralRequest(Request):
    to_hall: str = Field(min_length=1, max_length=32)
    note: str = Field(min_length=1, max_length=2000)


class CaseReferralAnswer(Request):
    accept: bool
    answer: str = Field(default="", max_length=2000)


class PublicCaseCode(Request):
    code: str = Field(pattern=CASE_CODE)


class PublicCaseRating(PublicCaseCode):
    score: Score
