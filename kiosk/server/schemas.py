"""Request bodies. Unknown fields are refused so a typo is an error, not a silent default."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kiosk.server.errors import ApiError

ServiceType = Literal["help", "proxy", "consult"]
PriorityGroup = Literal["elderly", "disabled", "pregnant", "military", "talent", "key_project", "green_channel"]
Outcome = Literal["done", "case_opened", "referred"]
MOBILE = r"^1[3-9][0-9]{9}$"
ID32 = Field(ge=1, le=2**31 - 1)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketRequest(Strict):
    matter_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    queue_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    service_type: ServiceType
    priority_group: PriorityGroup | None = None
    phone: str | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _check(self):
        if (self.matter_id is None) == (self.queue_id is None):
            raise ApiError(422, "matter_or_queue", "请选择一个事项或一个队列（二者选一）")
        if self.phone is not None:
            import re
            if not re.fullmatch(MOBILE, self.phone):
                raise ApiError(422, "invalid_phone", "手机号应为 11 位数字、以 1 开头，请核对后重新输入")
        return self


class SessionRequest(Strict):
    helper_code: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=1, max_length=64)
    window: int = Field(ge=1, le=9999)


class TransferRequest(Strict):
    to_window: int | None = Field(default=None, ge=1, le=9999)
    to_queue: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _check(self):
        if (self.to_window is None) == (self.to_queue is None):
            raise ApiError(422, "window_or_queue", "请选择转办到一个窗口或一个队列（二者选一）")
        return self


class FinishRequest(Strict):
    outcome: Outcome
    log: str = Field(default="", max_length=20000)


class RatingRequest(Strict):
    score: int = Field(ge=1, le=5)
    pad_seq: int = Field(ge=0, le=2**62)
    # A bridge that queued the press while the server was away says which service it
    # rated and when the key was pressed, so a late delivery rates the right service.
    service_id: int | None = Field(default=None, ge=1, le=2**62)
    pressed_at: AwareDatetime | None = None


class HealthReport(Strict):
    component: str = Field(min_length=1, max_length=20, pattern=r"^[a-z_]+$")
    ok: bool
    message: str = Field(default="", max_length=200)


class FollowUpClose(Strict):
    note: str = Field(min_length=1, max_length=5000)


class CaseRequest(Strict):
    matter_id: int = Field(ge=1, le=2**31 - 1)
    ticket_id: int | None = Field(default=None, ge=1, le=2**62)
    applicant: str = Field(min_length=1, max_length=100)
    applicant_kind: Literal["person", "organisation"]
    id_number: str = Field(min_length=1, max_length=30)  # checked by kiosk.domain.identity
    phone: str = Field(min_length=1, max_length=20)
    delivery: Literal["electronic", "pickup", "ems"] = "pickup"


class CaseStepRequest(Strict):
    action: Literal["accept", "start", "suspend", "resume", "complete", "terminate", "archive"]
    reason: str | None = Field(default=None, max_length=30)
    resume_by: date | None = None
    note: str = Field(default="", max_length=5000)


class CaseItemRequest(Strict):
    direction: Literal["received", "returned"]
    name: str = Field(min_length=1, max_length=200)
    copies: int = Field(default=1, ge=1, le=999)
    original: bool = False


class ReferralRequest(Strict):
    ticket_id: int = Field(ge=1, le=2**62)
    to_hall: str = Field(min_length=1, max_length=32)
    note: str = Field(min_length=1, max_length=2000)


class ReferralClose(Strict):
    result: str = Field(min_length=1, max_length=5000)


# Proxy cases (issue 24): the problem log, delivery, referrals between halls, the public page.
ProblemStatus = Literal["open", "in_progress", "escalated", "solved", "unsolvable"]  # case_states.PROBLEM_STATUSES
CASE_CODE = r"^[0-9]{6}$"


class CaseProblemRequest(Strict):
    summary: str = Field(min_length=1, max_length=2000)


class CaseProblemUpdate(Strict):
    status: ProblemStatus
    handling: str = Field(min_length=1, max_length=5000)


class CaseDeliveryRequest(Strict):
    """Pickup or post; an electronic result is delivered by uploading it."""
    method: Literal["pickup", "ems"]
    carrier: str = Field(default="", max_length=40)
    tracking_number: str = Field(default="", max_length=40, pattern=r"^[0-9A-Za-z-]*$")

    @model_validator(mode="after")
    def _check(self):
        if self.method == "ems" and not (self.carrier.strip() and self.tracking_number):
            raise ApiError(422, "tracking_required", "邮寄送达须填写快递公司和运单号")
        return self


class CaseReceiptRequest(Strict):
    note: str = Field(min_length=1, max_length=2000)  # e.g. 电话确认已签收


class CaseReferralRequest(Strict):
    to_hall: str = Field(min_length=1, max_length=32)
    note: str = Field(min_length=1, max_length=2000)


class CaseReferralAnswer(Strict):
    accept: bool
    answer: str = Field(default="", max_length=2000)


class PublicCaseCode(Strict):
    code: str = Field(pattern=CASE_CODE)


class PublicCaseRating(PublicCaseCode):
    score: int = Field(ge=1, le=5)
