"""A hall's set-up as it is entered: areas, queues, windows, matters, hours and closures, and
the staff register; and the staff list the hall posts (公示).

The setup pages, the 事项清单 import and ``bangban hall`` all read what people typed through
these models, so a rule (a queue prefix is one or two capital letters) is written once. They
are lax (a form sends "3" for 3) but refuse unknown fields; a validator's message is Chinese,
for ``forms.field_errors`` to show beside the field or the import to name with its row.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from kiosk.domain.hall_setup import AREA_KINDS, CATEGORY_NAMES, clock_minutes, split_list, yes_no
from kiosk.wire.vocabulary import Answer, HelperRole, ServiceType


def _as_list(value):
    return split_list(value) if isinstance(value, str) else value


def _as_bool(value):
    if isinstance(value, str):
        found = yes_no(value)
        if found is None:
            raise ValueError("请填写“是”或“否”")
        return found
    return value


def _blank_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


Items = Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]],
                  BeforeValidator(_as_list), Field(max_length=60)]
YesNo = Annotated[bool, BeforeValidator(_as_bool)]
Optional = BeforeValidator(_blank_is_none)
AreaKind = Literal[tuple(AREA_KINDS)]
Category = Literal[tuple(CATEGORY_NAMES)]
Phone = Annotated[str, Field(max_length=40, pattern=r"^[0-9０-９\-－ ()（）转+]*$")]


class SetupInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AreaSpec(SetupInput):
    name: str = Field(min_length=1, max_length=60)
    kind: AreaKind


class QueueSpec(SetupInput):
    prefix: str
    name: str = Field(min_length=1, max_length=60)
    service_type: ServiceType
    area_id: Annotated[int | None, Optional] = Field(default=None, ge=1, le=2**31 - 1)

    @field_validator("prefix", mode="before")
    @classmethod
    def _prefix(cls, value):
        text = value.strip().upper() if isinstance(value, str) else value
        if not isinstance(text, str) or not (1 <= len(text) <= 2 and text.isascii() and text.isalpha()):
            raise ValueError("队列前缀须为 1 到 2 个英文字母，如 A 或 AB")
        return text


class WindowSpec(SetupInput):
    number: int = Field(ge=1, le=9999)
    name: str = Field(min_length=1, max_length=60)
    area_id: Annotated[int | None, Optional] = Field(default=None, ge=1, le=2**31 - 1)
    queue_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=50)


class MatterSpec(SetupInput):
    name: str = Field(min_length=1, max_length=200)
    queue_id: int = Field(ge=1, le=2**31 - 1)
    category: Category
    department: str = Field(min_length=1, max_length=60)
    time_limit_days: int = Field(ge=0, le=365)
    materials: Items = Field(default_factory=list)
    steps: Items = Field(default_factory=list)
    address: str = Field(default="", max_length=200)
    phone: Phone = ""
    proxy_allowed: YesNo = True
    high_frequency: YesNo = False
    name_mn: str = Field(default="", max_length=200)  # 蒙古文名称: for halls serving in both languages


class DayHours(SetupInput):
    """One weekday's hours; both blank: closed that day."""
    opens: Annotated[str | None, Optional] = None
    closes: Annotated[str | None, Optional] = None

    @field_validator("opens", "closes")
    @classmethod
    def _clock(cls, value):
        if value is not None and clock_minutes(value) is None:
            raise ValueError("时间请写成 08:30 这样的 24 小时制")
        return value


class ClosureSpec(SetupInput):
    day: date
    reason: str = Field(min_length=1, max_length=100)


class StaffSpec(SetupInput):
    """One line of the register (seed 001: 姓名、职务、帮办业务领域…登记在册)."""
    name: str = Field(min_length=1, max_length=60)
    post: str = Field(default="", max_length=60)
    unit: str = Field(default="", max_length=100)
    phone: Phone = ""
    skills: Annotated[list[Annotated[str, Field(min_length=1, max_length=30)]],
                      BeforeValidator(_as_list), Field(max_length=20)] = Field(default_factory=list)
    role: HelperRole
    started_on: Annotated[date | None, Optional] = None
    full_time: YesNo = True


class NewStaff(StaffSpec):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z]+$")


class StaffPublic(Answer):
    """What the hall posts of one of its staff (seed 004: 名单、所在单位及联系方式)."""
    name: str
    role: HelperRole
    post: str
    unit: str
    phone: str
    skills: list[str]


class StaffList(Answer):
    hall: str
    staff: list[StaffPublic]
