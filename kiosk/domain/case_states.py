"""A proxy case (代办件) from the entrustment to the archive, as seeds 001, 002 and 004 set it out.

entrusted -accept-> accepted -start-> in_progress -complete-> completed
in_progress -suspend-> suspended -resume-> in_progress   (代办服务中止单 / 续办委托书)
any open state -terminate-> terminated -archive-> archived
a suspension past its resumption deadline -expire-> terminated ("超过续办期限的，视为服务终止")

The result is then delivered (结果交付, seed 004: 当面领取或通过邮政EMS送证上门):
completed -deliver(pickup)-> delivered                   (the 办结单 signed at the counter)
completed -deliver(ems)-> sent -receive-> delivered        (receipt confirmed by phone or by the person)
completed -deliver(electronic)-> ready_online -download-> delivered   (fetched once with the case's code)
delivered -archive-> archived

Pure: the server stores what this decides.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.roles import SUPERVISOR_ROLES
from kiosk.domain.working_days import Calendar

OPEN = ("entrusted", "accepted", "in_progress", "suspended")
STATE_NAMES = {
    "entrusted": "已委托", "accepted": "已受理", "in_progress": "办理中", "suspended": "已中止",
    "completed": "已办结", "terminated": "已终止", "archived": "已归档",
    "sent": "结果已寄出", "ready_online": "结果待下载", "delivered": "结果已交付",
}
# The matter was done (办结): the states a completed case passes through until it is archived.
COMPLETED = ("completed", "sent", "ready_online", "delivered")
ACTION_NAMES = {
    "accept": "受理", "start": "开始办理", "suspend": "中止", "resume": "续办", "complete": "办结",
    "terminate": "终止", "expire": "逾期终止", "archive": "归档",
    "deliver": "交付结果", "receive": "确认签收", "download": "下载结果",
    "entrust": "签订委托", "refer": "转办",
}
DELIVERY_TARGETS = {"pickup": "delivered", "ems": "sent", "electronic": "ready_online"}
DELIVERY_NAMES = {"pickup": "当面领取", "ems": "邮寄送达", "electronic": "电子送达"}
TRANSITIONS: dict[tuple[str, str], str] = {
    ("entrusted", "accept"): "accepted",
    ("accepted", "start"): "in_progress",
    ("in_progress", "suspend"): "suspended",
    ("suspended", "resume"): "in_progress",
    ("in_progress", "complete"): "completed",
    ("completed", "deliver"): "delivered",  # or sent, ready_online: see DELIVERY_TARGETS
    ("suspended", "expire"): "terminated",
    ("sent", "receive"): "delivered",
    ("ready_online", "download"): "delivered",
    ("delivered", "archive"): "archived",
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
REVIEWER_ROLES = SUPERVISOR_ROLES
ROLE_BOUND_ACTIONS = {"accept": REVIEWER_ROLES}

# The forms the person signs (seeds 002 and 004), each belonging to the step it records.
SIGNED_FORMS = {"entrustment": "代办服务委托书", "suspension": "代办服务中止单",
                "resumption": "代办服务续办委托书", "closing": "办结（终止）单"}
FORM_STEPS = {"entrustment": ("entrust",), "suspension": ("suspend",), "resumption": ("resume",),
              "closing": ("complete", "terminate", "expire")}

# The problem log (seed 002: 随时更新解决状态和处理结果).
PROBLEM_STATUSES = {"open": "待解决", "in_progress": "处理中", "escalated": "已上报",
                    "solved": "已解决", "unsolvable": "无法解决"}

# What the person waits for next, for the case's public page.
NEXT_STEPS = {
    "entrusted": "等待协调员审核受理",
    "accepted": "已受理，帮办代办员即将开始办理",
    "in_progress": "正在办理，如需补正材料帮办代办员会电话联系您",
    "suspended": "请在续办期限前补齐材料或缴清费用，并签订续办委托书；逾期视为终止",
    "completed": "已办结，等待交付办理结果",
    "sent": "办理结果已寄出，收到后请确认签收",
    "ready_online": "办理结果已上传，请凭查询码下载（仅可下载一次）",
    "delivered": "办理结果已交付，代办服务即将归档",
    "terminated": "代办已终止，材料将退还给您",
    "archived": "已归档，代办服务结束",
}


class IllegalCaseStep(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Step:
    action: str
    reason: str | None = None  # a key of REASONS, for suspend and terminate
    resume_by: date | None = None  # the resumption deadline of a suspension
    method: str | None = None  # a key of DELIVERY_TARGETS, for deliver


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
    if step.action == "deliver":
        if step.method not in DELIVERY_TARGETS:
            raise IllegalCaseStep(f"交付须选择方式（{'、'.join(DELIVERY_NAMES.values())}）")
        return DELIVERY_TARGETS[step.method]
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


def mask_name(name: str) -> str:
    """刘*, 张*明, 许昌******公司: the person recognises their own case, no one else learns whose it is."""
    name = name.strip()
    if len(name) <= 2:
        return name[:1] + "*" * (len(name) - 1)
    keep = 1 if len(name) <= 4 else 2
    return name[:keep] + "*" * (len(name) - 2 * keep) + name[-keep:]
