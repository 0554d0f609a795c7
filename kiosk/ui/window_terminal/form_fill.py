"""The five printable forms (domain.md: 受理单, 办结（终止）单, 委托书, 中止单, 续办委托书) filled from
what the terminal knows of the ticket, its case, the helper and the hall; what is missing is
asked for in the print dialog. Pure: no Kivy, no network.

    facts = Facts(ticket=..., matter=..., case=None, helper={"name": "周𠮷"}, log={...}, today=date.today())
    fields = fields_for("acceptance", facts)        # [FormField], prefilled where known
    form = build_form("acceptance", {f.name: f.value for f in fields})   # or FormIncomplete
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from devices.printer import AcceptanceSlip, CompletionSlip, EntrustmentLetter, ResumptionLetter, SuspensionSlip
from kiosk.domain.hall_setup import CATEGORY_NAMES, SERVICE_TYPE_NAMES

FORM_NAMES = {"acceptance": "受理单", "completion": "办结（终止）单", "entrustment": "代办服务委托书",
              "suspension": "代办服务中止单", "resumption": "代办服务续办委托书"}
FORM_CLASSES = {"acceptance": AcceptanceSlip, "completion": CompletionSlip, "entrustment": EntrustmentLetter,
                "suspension": SuspensionSlip, "resumption": ResumptionLetter}
DELIVERY_NAMES = {"electronic": "电子送达", "pickup": "现场领取", "ems": "免费邮寄"}

# per form: (field, label, kind); kind: text, date, list (one item a line, may be empty), yesno, optional
LAYOUT: dict[str, list[tuple[str, str, str]]] = {
    "acceptance": [("number", "编号", "text"), ("applicant", "申请单位（人）", "text"),
                   ("id_number", "证件号码或统一社会信用代码", "text"), ("category", "类别（投资建设/企业开办/民生事务）", "text"),
                   ("matter_name", "事项名称", "text"), ("service_type", "服务类型（帮办/代办）", "text"),
                   ("handler", "经办人", "text"), ("phone", "联系电话", "text"),
                   ("handed_over_on", "交办日期", "date"), ("helper_name", "帮办代办员", "text"),
                   ("hall_name", "大厅名称", "optional"), ("query_code", "查询码", "optional"),
                   ("status_url", "进度查询网址（印为二维码）", "optional")],
    "completion": [("acceptance_number", "受理单编号", "text"), ("applicant", "申请单位（人）", "text"),
                   ("matter_name", "事项名称", "text"), ("service_type", "服务类型（帮办/代办）", "text"),
                   ("terminated", "是否终止（是/否）", "yesno"), ("closed_on", "办结日期", "date"),
                   ("helper_name", "帮办代办员", "text"), ("handed_over", "移交的资料（一行一项）", "list"),
                   ("delivery", "送达方式（电子送达/现场领取/免费邮寄）", "text"),
                   ("termination_reason", "终止原因", "optional"), ("result", "办理结果", "optional"),
                   ("hall_name", "大厅名称", "optional")],
    "entrustment": [("principal", "委托方", "text"), ("matter_name", "事项名称", "text"),
                    ("contact_name", "委托方联系人", "text"), ("contact_phone", "联系人电话", "text"),
                    ("id_number", "证件号码", "text"), ("agent_name", "代办人员", "text"),
                    ("agent_phone", "代办人员电话", "text"), ("agency", "代办单位", "text"),
                    ("signed_on", "签订日期", "date"), ("materials", "移交的申报材料（一行一项）", "list"),
                    ("acceptance_number", "受理单编号", "optional")],
    "suspension": [("acceptance_number", "受理单编号", "text"), ("principal", "委托方", "text"),
                   ("matter_name", "事项名称", "text"), ("reason", "中止原因", "text"),
                   ("suspended_on", "中止日期", "date"), ("resume_by", "续办期限", "date"),
                   ("agent_name", "代办人员", "text"), ("agent_phone", "代办人员电话", "text"),
                   ("outstanding", "需补办的事项（一行一项）", "list"), ("agency", "代办单位", "optional")],
    "resumption": [("acceptance_number", "受理单编号", "text"), ("principal", "委托方", "text"),
                   ("matter_name", "事项名称", "text"), ("suspended_on", "中止日期", "date"),
                   ("suspension_reason", "中止原因", "text"), ("resumed_on", "续办日期", "date"),
                   ("agent_name", "代办人员", "text"), ("agent_phone", "代办人员电话", "text"),
                   ("new_deadline", "新的办结期限", "optional"), ("agency", "代办单位", "optional")],
}


@dataclass
class Facts:
    ticket: dict
    helper: dict  # code, name, role; "phone" when the terminal is configured with it
    today: date
    matter: dict | None = None
    case: dict | None = None  # in full, as GET /cases/{id} gives it to its helper
    log: dict = field(default_factory=dict)  # who, contact, asked, done (the service log so far)
    hall_name: str = ""
    agency: str = ""


@dataclass
class FormField:
    name: str
    label: str
    kind: str
    value: str

    @property
    def required(self) -> bool:
        return self.kind not in ("list", "optional")


class FormIncomplete(ValueError):
    def __init__(self, labels: list[str]):
        self.labels = labels
        self.message = "还缺：" + "、".join(labels) + "。请补全后再打印"
        super().__init__(self.message)


def known_values(facts: Facts) -> dict[str, str]:
    """Every value the ticket, case, helper and hall give, under the forms' field names."""
    t, case, matter = facts.ticket, facts.case or {}, facts.matter or {}
    applicant = case.get("applicant") or facts.log.get("who", "")
    phone = case.get("phone") or facts.log.get("contact") or t.get("phone") or ""
    reason = case.get("reason_name") or ""
    suspended = _last_step_day(case, "suspend")
    service = SERVICE_TYPE_NAMES.get(t.get("service_type", ""), "")
    # the helper in charge of a case signs its forms, whoever prints them (首问负责)
    agent = (case.get("helper") or {}).get("name") or facts.helper.get("name", "")
    return {
        "number": case.get("number") or t.get("number", ""), "acceptance_number": case.get("number") or ("未受理" if case else ""),
        "applicant": applicant, "principal": applicant, "contact_name": applicant, "handler": applicant,
        "id_number": case.get("id_number") or "", "phone": phone, "contact_phone": phone,
        "category": CATEGORY_NAMES.get(matter.get("category", ""), ""),
        "matter_name": case.get("matter") or matter.get("name", ""),
        "service_type": "代办" if case else (service if service in ("帮办", "代办") else "帮办"),
        "helper_name": agent, "agent_name": agent,
        "agent_phone": facts.helper.get("phone", ""), "hall_name": facts.hall_name,
        "agency": facts.agency or facts.hall_name,
        "suspended_on": suspended or facts.today.isoformat(), "resume_by": case.get("resume_by") or "",
        "new_deadline": case.get("deadline") or "",
        "terminated": "是" if case.get("state") == "terminated" else "否",
        "delivery": DELIVERY_NAMES.get(case.get("delivery", ""), "现场领取"),
        "reason": reason, "suspension_reason": reason,
        "termination_reason": reason if case.get("state") == "terminated" else "",
        "handed_over": _items(case, "returned"), "materials": _items(case, "received"),
        "outstanding": "\n".join([_last_step_note(case, "suspend")] * bool(_last_step_note(case, "suspend"))
                                 + [p["summary"] for p in case.get("problems") or []
                                    if p.get("status") not in ("solved", "unsolvable")]),
        "result": _last_step_note(case, "complete"),
        "handed_over_on": _last_step_day(case, "accept") or facts.today.isoformat(),
        "signed_on": _last_step_day(case, "entrust") or facts.today.isoformat(),
        "resumed_on": _last_step_day(case, "resume") or facts.today.isoformat(),
        "closed_on": _last_step_day(case, "complete") or _last_step_day(case, "terminate")
        or _last_step_day(case, "expire") or facts.today.isoformat(),
        "query_code": case.get("public_code") or "", "status_url": case.get("status_url") or "",
    }


def _items(case: dict, direction: str) -> str:
    """The 移交清单's lines one way, with copies and whether originals: 施工合同（原件）×2."""
    return "\n".join(f"{i['name']}（{'原件' if i.get('original') else '复印件'}）×{i.get('copies', 1)}"
                     for i in case.get("items") or [] if i.get("direction") == direction)


def _last_step_note(case: dict, action: str) -> str:
    steps = [s for s in case.get("steps") or [] if s.get("action") == action]
    return steps[-1].get("note") or "" if steps else ""


def _last_step_day(case: dict, action: str) -> str:
    steps = [s for s in case.get("steps") or [] if s.get("action") == action and s.get("at")]
    return steps[-1]["at"][:10] if steps else ""


def fields_for(kind: str, facts: Facts) -> list[FormField]:
    known = known_values(facts)
    if kind == "entrustment" and not (facts.case or {}).get("number"):
        known["acceptance_number"] = ""  # signed before acceptance: the number is written in later
    return [FormField(name, label, ftype, known.get(name, "")) for name, label, ftype in LAYOUT[kind]]


def build_form(kind: str, values: dict[str, str]):
    """The form's dataclass from the dialog's texts; FormIncomplete names every missing field at once."""
    layout = LAYOUT[kind]
    missing = [label for name, label, ftype in layout
               if ftype not in ("list", "optional") and not values.get(name, "").strip()]
    if missing:
        raise FormIncomplete(missing)
    parsed = {}
    for name, label, ftype in layout:
        text = values.get(name, "").strip()
        if ftype == "date" or (name == "new_deadline" and text):
            parsed[name] = _day(text, label)
        elif name == "new_deadline":
            parsed[name] = None
        elif ftype == "list":
            parsed[name] = [line.strip() for line in text.replace("、", "\n").splitlines() if line.strip()]
        elif ftype == "yesno":
            parsed[name] = text in ("是", "终止", "yes")
        else:
            parsed[name] = text
    try:
        return FORM_CLASSES[kind](**parsed)
    except ValueError as exc:  # a category, service type or delivery outside the printed choices
        raise FormIncomplete([f"{label}（请按括号里的写法填）" for name, label, _ in layout if name in str(exc)]
                             or ["选项"]) from exc


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormIncomplete([f"{label}（格式如 2026-03-01）"]) from None
