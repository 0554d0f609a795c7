"""What the hall prints, as plain data: the queue ticket and the five forms of seed 002.

No field holds a price: every service in the hall is free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

SERVICE_TYPES = ("帮办", "代办", "咨询")
CATEGORIES = ("投资建设", "企业开办", "民生事务")
DELIVERY_METHODS = ("电子送达", "现场领取", "免费邮寄")


@dataclass
class TicketReceipt:
    hall_name: str
    number: str  # "A012"
    service_type: str  # 帮办 / 代办 / 咨询
    matter_name: str
    waiting_ahead: int
    estimated_wait_s: int
    issued_at: datetime
    status_url: str  # the public status page, printed as a QR code
    staffed_windows: int | None = None  # 0: no window serving its queue is staffed, so no wait can be promised
    time_limit_days: int | None = None  # 承诺时限, working days
    materials: list[str] | None = None  # 一次性告知: only when the citizen asked for it
    id_number: str = ""  # printed masked
    phone: str = ""  # printed as given: the caller masks it
    priority_note: str = ""  # e.g. "绿色通道" for special groups
    complaint_phone: str = "12345"
    free_notice: str = "本厅帮办代办服务全程免费，不收取任何费用。"
    mongolian: dict[str, str] | None = None  # a fixed Chinese line -> its Mongolian, printed above it as an image

    def __post_init__(self):
        _check("service_type", self.service_type, SERVICE_TYPES)


@dataclass
class AcceptanceSlip:
    """受理单 (seed 002, annex A)."""

    number: str  # 编号
    applicant: str  # 申请单位（人）
    id_number: str  # 身份证号，或法人姓名及统一社会信用代码
    category: str  # 投资建设 / 企业开办 / 民生事务
    matter_name: str
    service_type: str  # 帮办 / 代办
    handler: str  # 经办人
    phone: str
    handed_over_on: date  # 交办日期
    helper_name: str  # 帮办代办员 (signs beside the printed name)
    hall_name: str = ""
    remarks: str = "本表一式两份，委托代办单位（人）、帮办代办单位各一份。"
    status_url: str = ""  # the case's public page (QR code); the 查询码 proves it is the applicant
    query_code: str = ""

    def __post_init__(self):
        _check("category", self.category, CATEGORIES)
        _check("service_type", self.service_type, SERVICE_TYPES[:2])


@dataclass
class CompletionSlip:
    """办结（终止）单 (seed 002, annex B): documents handed back, signed by the person."""

    acceptance_number: str
    applicant: str
    matter_name: str
    service_type: str
    terminated: bool  # False: 办结; True: 终止
    closed_on: date
    helper_name: str
    handed_over: list[str] = field(default_factory=list)  # 移交的资料和审批文件
    delivery: str = "现场领取"  # one of DELIVERY_METHODS
    termination_reason: str = ""
    result: str = ""  # e.g. the licence issued
    hall_name: str = ""

    def __post_init__(self):
        _check("service_type", self.service_type, SERVICE_TYPES[:2])
        _check("delivery", self.delivery, DELIVERY_METHODS)


@dataclass
class EntrustmentLetter:
    """代办服务委托书 (seed 002 annex C; wording after seed 004 attachment 6)."""

    principal: str  # 委托方
    matter_name: str
    contact_name: str  # 委托方联系人
    contact_phone: str
    id_number: str
    agent_name: str  # 代办人员
    agent_phone: str
    agency: str  # 代办中心 / 乡镇村
    signed_on: date
    materials: list[str] = field(default_factory=list)  # 申报材料移交清单
    acceptance_number: str = ""


@dataclass
class SuspensionSlip:
    """代办服务中止单 (seed 002, annex D)."""

    acceptance_number: str
    principal: str
    matter_name: str
    reason: str  # seed 002 clause: materials not supplied, fees unpaid, asked to pause, force majeure
    suspended_on: date
    resume_by: date  # 续办期限: past it, the service is terminated
    agent_name: str
    agent_phone: str
    outstanding: list[str] = field(default_factory=list)  # what the person still has to do
    agency: str = ""


@dataclass
class ResumptionLetter:
    """代办服务续办委托书 (seed 002, annex E)."""

    acceptance_number: str
    principal: str
    matter_name: str
    suspended_on: date
    suspension_reason: str
    resumed_on: date
    agent_name: str
    agent_phone: str
    new_deadline: date | None = None
    agency: str = ""


def _check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


@dataclass
class MissingMaterialsNotice:
    """补正材料告知单: the materials still missing, all of them, in writing, once (seed 000:
    一次性书面告知需要补充的全部内容)."""

    hall_name: str
    matter_name: str
    department: str
    missing: list[str]
    have: list[str]
    issued_at: datetime
    time_limit_days: int = 0
    address: str = ""
    phone: str = ""
    ticket_number: str = ""
    helper_name: str = ""
    window: int | None = None
    note: str = ""
    complaint_phone: str = "12345"


Form = AcceptanceSlip | CompletionSlip | EntrustmentLetter | SuspensionSlip | ResumptionLetter


def mask_id(id_number: str) -> str:
    """110101199001011234 -> 1101**********1234; short values keep only their ends."""
    if len(id_number) <= 4:
        return "*" * len(id_number)
    keep = 4 if len(id_number) >= 12 else 2
    return id_number[:keep] + "*" * (len(id_number) - 2 * keep) + id_number[-keep:]


