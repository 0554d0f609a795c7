"""The field types bodies share: the domain's words as literals, and dates and times as the
wire writes them (ISO 8601: ``2026-12-07`` and ``2026-12-07T09:30:00+08:00``)."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError

from kiosk.domain import case_states, identity, queue_policy, roles, ticket_states, working_days

ServiceType = Literal["help", "proxy", "consult"]
PriorityGroup = Literal[queue_policy.PRIORITY_GROUPS]
Outcome = Literal[tuple(ticket_states.OUTCOMES)]
TicketStatus = Literal[tuple(ticket_states.STATUS_NAMES)]
CaseState = Literal[tuple(case_states.STATE_NAMES)]
ProblemStatus = Literal[tuple(case_states.PROBLEM_STATUSES)]
SignedForm = Literal[tuple(case_states.SIGNED_FORMS)]
DeliveryMethod = Literal[tuple(case_states.DELIVERY_NAMES)]
HelperRole = Literal[tuple(roles.HELPER_ROLES)]
DeviceKind = Literal["kiosk", "display", "pad", "window", "admin"]
Score = Annotated[int, Field(ge=1, le=5)]
MOBILE = f"^{identity.MOBILE_PATTERN}$"

Id = Annotated[int, Field(ge=1, le=2**62)]
Id32 = Annotated[int, Field(ge=1, le=2**31 - 1)]  # the ids of catalogue rows (queues, matters)
WindowNumber = Annotated[int, Field(ge=1, le=9999)]
Count = Annotated[int, Field(ge=0)]

# What the server writes: a moment in the hall's zone with its offset, whole seconds.
Time = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$",
                            json_schema_extra={"format": "date-time"})]
DayText = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})", re.ASCII)


def _in_hall_years(value):
    """A date or moment in the years a hall can have records in (working_days.HALL_YEARS)."""
    if value.year not in working_days.HALL_YEARS:
        raise refusal("bad_range", working_days.OUTSIDE_HALL_YEARS)
    return value


def _written_as(pattern: re.Pattern, what: str):
    """Only the text form: lax pydantic would also take ``0`` (1970-01-01) or ``true``."""
    def check(value):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise PydanticCustomError("not_iso", f"应为 {what}")
        return value
    return BeforeValidator(check)


# What a client sends: a calendar day as YYYY-MM-DD, a moment as ISO 8601 with its offset.
Day = Annotated[date, Strict(False), _written_as(_DAY, "YYYY-MM-DD 格式的日期"), AfterValidator(_in_hall_years)]
Moment = Annotated[AwareDatetime, Strict(False), _written_as(_MOMENT, "带时区的 ISO 8601 时间"),
                   AfterValidator(_in_hall_years)]


class Request(BaseModel):
    """A body a client sends. Strict: no ``"ok": 0`` for false, no ``true`` for an id; and
    an unknown field is refused, so a typo is an error, not a silent default."""
    model_config = ConfigDict(extra="forbid", strict=True)


class Answer(BaseModel):
    """A body the server sends. A client ignores fields it does not know (a newer server)."""
    model_config = ConfigDict(extra="ignore")


# A request refused by a rule across its fields: the validation error's type is the answer's
# ``code``, its message the answer's Chinese ``message``.
REFUSALS = frozenset({"matter_or_queue", "window_or_queue", "invalid_phone", "tracking_required",
                      "score_required", "bad_count", "bad_range"})


def refusal(code: str, message: str) -> PydanticCustomError:
    assert code in REFUSALS, code
    return PydanticCustomError(code, message)
