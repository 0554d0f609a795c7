"""What the case panel says about a case, and which actions it offers in each state. Pure: no
Kivy, no network; the words come from kiosk.domain.case_states.

    actions_for(case, role="proxy_agent", has_camera=True)   # [("print:entrustment", "打印委托书"), ...]
    list_line(case)                                            # "▲已逾期 DB-20261207-001 刘䶮 …"
"""
from __future__ import annotations

from kiosk.domain import case_states
from kiosk.domain.case_states import ACTION_NAMES, DELIVERY_NAMES, PROBLEM_STATUSES, REASONS, STATE_NAMES

from .form_fill import FORM_NAMES

# Deadlines are said in words with a mark, never by colour alone (domain.md).
DUE_MARKS = {"overdue": "▲已逾期", "due_soon": "●将到期", "on_time": "", None: ""}
KIND_NAMES = {"person": "个人", "organisation": "单位"}
ID_LABELS = {"person": "身份证号", "organisation": "统一社会信用代码"}

# the print dialog's form for each signed form (form_fill's names)
PRINTED_FORM = {"entrustment": "entrustment", "suspension": "suspension", "resumption": "resumption",
                "closing": "completion"}
SIGN_LABELS = {form: f"登记签字\n{name}" for form, name in case_states.SIGNED_FORMS.items()}


def list_line(case: dict) -> str:
    """One line of a case list: deadline mark first, so a late case is seen at once."""
    mark = DUE_MARKS.get(case.get("due"))
    number = case.get("number") or "待受理"
    deadline = f"期限 {case['deadline']}" if case.get("deadline") else ""
    if case.get("state") == "suspended" and case.get("resume_by"):
        deadline = f"续办期限 {case['resume_by']}"
    where = f" · 转{case['handling_hall']['name']}" if case.get("handling_hall") else ""
    parts = [mark, number, case["applicant"], case["matter"], case["state_name"], deadline]
    return "  ".join(p for p in parts if p) + where


def summary(case: dict) -> str:
    """The head of a case: who, what, where it stands, by when."""
    kind = case.get("applicant_kind", "person")
    lines = [f"{case.get('number') or '（受理后编号）'}　{case['state_name']}　{DUE_MARKS.get(case.get('due'))}".rstrip(),
             f"{KIND_NAMES[kind]}：{case['applicant']}　{ID_LABELS[kind]}：{case['id_number']}　电话：{case['phone']}",
             f"事项：{case['matter']}　送达：{DELIVERY_NAMES.get(case['delivery'], '')}"
             f"　负责人：{case['helper']['name']}（首问负责）"]
    dates = []
    if case.get("deadline"):
        dates.append(f"办结期限：{case['deadline']}")
    if case.get("resume_by"):
        dates.append(f"续办期限：{case['resume_by']}")
    if case.get("reason_name"):
        dates.append(f"原因：{case['reason_name']}")
    if case.get("handling_hall"):
        dates.append(f"现由{case['handling_hall']['name']}办理")
    if dates:
        lines.append("　".join(dates))
    if case.get("unsigned"):
        lines.append("待登记签字：" + "、".join(u["form_name"] for u in case["unsigned"]))
    record = case.get("delivery_record")
    if record:
        got = "已签收" if record.get("received_at") else "待签收"
        tracking = f" {record['carrier']} {record['tracking_number']}" if record.get("tracking_number") else ""
        lines.append(f"交付：{record['method_name']}{tracking}　{got}")
    if case.get("rating"):
        lines.append(f"评价：{case['rating']['score']} 分")
    return "\n".join(lines)


def history(case: dict) -> str:
    """The steps, the 移交清单 and the problem log, newest step last."""
    if case.get("steps") is None:
        return "办理过程、移交清单和问题记录由办理的帮办代办员查看；接收转办后本厅可查看"
    out = ["办理过程："]
    for s in case.get("steps") or []:
        reason = f"（{REASONS[s['reason']]}）" if s.get("reason") in REASONS else ""
        note = f" {s['note']}" if s.get("note") else ""
        out.append(f"  {s['at'][:16].replace('T', ' ')}  {ACTION_NAMES.get(s['action'], s['action'])}"
                   f" → {STATE_NAMES.get(s['to'], s['to'])}{reason}{note}")
    items = case.get("items") or []
    if items:
        out.append("移交清单：")
        for i in items:
            way = "收取" if i["direction"] == "received" else "退还"
            out.append(f"  {way} {i['name']} × {i['copies']} 份（{'原件' if i['original'] else '复印件'}）")
    problems = case.get("problems") or []
    if problems:
        out.append("问题记录：")
        for p in problems:
            handling = f"：{p['handling']}" if p.get("handling") else ""
            out.append(f"  #{p['id']} {p['summary']}　【{p['status_name']}】{handling}")
    return "\n".join(out)


def actions_for(case: dict, role: str, *, has_camera: bool, has_printer: bool) -> list[tuple[str, str]]:
    """(key, label) of what may be done now. Keys: step:<action>, print:<form>, sign:<form>,
    item, problem, problem_update, refer, deliver:<method>, receipt, capture."""
    state, out = case["state"], []
    if has_printer:
        out += _prints(state)
    if has_camera:
        out += [(f"sign:{u['form']}", SIGN_LABELS[u["form"]]) for u in case.get("unsigned") or []]
    steps = [a for (s, a) in case_states.TRANSITIONS if s == state and a in
             ("accept", "start", "suspend", "resume", "complete", "terminate", "archive")]
    for action in steps:
        if case_states.may_take(action, role):
            out.append((f"step:{action}", ACTION_NAMES[action]))
    if state == "completed":
        out += [("deliver:pickup", "当面领取"), ("deliver:ems", "邮寄送达")]
        if has_camera:
            out.append(("deliver:electronic", "电子送达\n(拍摄结果)"))
    if state == "sent":
        out.append(("receipt", "确认签收"))
    if state != "archived":
        out.append(("item", "登记移交\n材料"))
    if state in case_states.OPEN:
        out += [("problem", "记录问题"), ("refer", "转上下级\n大厅")]
    if any(p["status"] not in ("solved", "unsolvable") for p in case.get("problems") or []):
        out.append(("problem_update", "更新问题\n状态"))
    return out


def _prints(state: str) -> list[tuple[str, str]]:
    forms = {"entrusted": ["entrustment"], "accepted": ["acceptance", "entrustment"],
             "in_progress": ["acceptance", "resumption"], "suspended": ["suspension"],
             "completed": ["completion"], "terminated": ["completion"], "sent": ["completion"],
             "ready_online": ["completion"], "delivered": ["completion"]}.get(state, [])
    return [(f"print:{f}", f"打印\n{FORM_NAMES[f]}") for f in forms]


def reason_choices() -> list[tuple[str, str]]:
    return [(key, name) for key, name in REASONS.items()]


def problem_status_choices() -> list[tuple[str, str]]:
    return [(key, name) for key, name in PROBLEM_STATUSES.items() if key != "open"]
