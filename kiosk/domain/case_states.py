"""A proxy case (代办件) from the entrustment to the archive, as seeds 001, 002 and 004 set it out.

entrusted -accept-> accepted -start-> in_progress -complete-> completed -archive-> archived
in_progress -suspend-> suspended -resume-> in_progress   (代办服务中止单 / 续办委托书)
any open state -terminate-> terminated -archive-> archived
a suspension past its resumption deadline -expire-> terminated ("超过续办期限的，视为服务终止")

Pure: the server stores what this decides.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.working_days import Calendar

OPEN = ("entrusted", "accepted", "in_progress", "suspended")
STATE_NAMES = {
    "entrusted": "已委托", "accepted": "已受理", "in_progress": "办理中", "suspended": "已中止",
    "completed": "已办结", "terminated": "已终止", "archived": "已归档",
}
ACTION_NAMES = {
    "accept": "受理", "start": "开始办理", "suspend": "中止", "resume": "续办", "complete": "办结",
    "terminate": "终止", "expire": "逾期终止", "archive": "归档",
}
TRANSITIONS: dict[tuple[str, str], str] = {
    ("entrusted", "accept"): "accepted",
    ("accepted", "start"): "in_progress",
    ("in_progress", "suspend"): "suspended",
    ("suspended", "resume"): "in_progress",
    ("in_progress", "complete"): "completed",
    ("suspended", "expire"): "terminated",
    ("completed", "archive"): "archived",
    ("terminated", "archive"): "archived",
    **{(state, "terminate"): "terminated" for state in OPEN},
}

# Why a case stops, as the seeds list them (001 clause 20, 002 clause on suspension, 004).
REASONS = {
    "false_materials": "材料内容不实或弄虚作假",
    "illegal_conditions": "材料不符合法定条件且无法补正",
    "fees_unpaid": "未按规定缴纳相关费用",
    "applicant_request": "服务对象要求暂停或终止",
    "policy_or_force_majeure": "政策调整或不可抗力",
    "dishonest_enterprise": "服务对象为失信企业",
    "conflicts_with_law": "事项与法律法规相抵触",
    "materials_late": "服务对象未在规定期限内提交材料",
    "refuses_duties": "申请人不按规定申报、拒不履行代办协议约定职责",  # seed 004 (6)
    "long_stalled": "因服务对象自身原因办理长期停滞、难以完成",  # seed 004 (7)
    "other": "其他",
}
NEEDS_REASON = ("suspend", "terminate")
# Seed 002: a coordinator reviews (审核) an entrusted case before it is accepted.
REVIEWER_ROLES = ("coordinator", "chief")
ROLE_BOUND_ACTIONS = {"accept": REVIEWER_ROLES}


class IllegalCaseStep(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Step:
    action: str
    reason: str | None = None  # a key of REASONS, for suspend and terminate
    resume_by: date | None = None  # the resumption deadline of a suspension


def may_take(action: str, role: str) -> bool:
    return role in ROLE_BOUND_ACTIONS.get(action, (role,))


def next_state(state: str, step: Step, today: date) -> str:
    target = TRANSITIONS.get((state, step.action))
    if target is None:
        raise IllegalCaseStep(f"代办件当前为“{STATE_NAMES.get(state, state)}”，不能"
                              f"{ACTION_NAMES.get(step.action, step.action)}")
    if step.action in NEEDS_REASON:
        if step.reason not in REASONS:
            raise IllegalCaseStep(f"{ACTION_NAMES[step.action]}须写明原因（{'、'.join(REASONS.values())}）")
    if step.action == "suspend":
        if step.resume_by is None or step.resume_by <= today:
            raise IllegalCaseStep("中止须约定续办期限，且期限须晚于今天")
    return target


def resumed_deadline(deadline: date | None, suspended_on: date, resumed_on: date,
                     calendar: Calendar) -> date | None:
    """The 续办委托书's new deadline: the committed limit's clock stops while a case is suspended,
    so the working days the suspension took are added to the old deadline."""
    if deadline is None:
        return None
    stopped = max(0, calendar.working_days_between(suspended_on, resumed_on))
    return calendar.add_working_days(deadline, stopped)


def expired(state: str, resume_by: date | None, today: date) -> bool:
    """A suspension whose resumption deadline has passed is a termination."""
    return state == "suspended" and resume_by is not None and today > resume_by
