"""投诉诉求: register a complaint or request from any channel, handle the open ones, list the
handled; the register's own functions (``kiosk.server.complaints``), so the API's rules hold."""
from __future__ import annotations

from datetime import timedelta

from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import complaints as words
from kiosk.domain.working_days import Calendar
from kiosk.server import complaints
from kiosk.server.errors import ApiError
from kiosk.server.models import Hall, Helper, Window
from kiosk.server.supervisor import forms, templates
from kiosk.server.supervisor.templates import Marked, when
from kiosk.server.timeutil import local_day, utcnow
from kiosk.wire import supervision as wire

LABELS = {"kind": "类别", "source": "来源", "category": "问题类型", "priority": "紧急程度", "subject": "反映内容",
          "person": "反映人", "phone": "联系电话", "helper_id": "被反映人员", "window": "窗口", "handler_id": "承办人",
          "handling": "处理经过", "result": "处理结果", "finding": "核实结论"}


def choices(db: Session, hall_id: int) -> dict:
    helpers = [(str(h.id), f"{h.name}（{h.code}）") for h in db.scalars(
        select(Helper).where(Helper.hall_id == hall_id).order_by(Helper.code))]
    windows = [(str(n), f"{n} 号窗口") for n in db.scalars(
        select(Window.number).where(Window.hall_id == hall_id).order_by(Window.number))]
    return {"kinds": list(words.KIND_NAMES.items()), "sources": list(words.SOURCE_NAMES.items()),
            "categories": list(words.CATEGORY_NAMES.items()), "priorities": list(words.PRIORITY_NAMES.items()),
            "findings": list(words.FINDING_NAMES.items()), "helpers": helpers, "windows": windows}


def gather(db: Session, hall_id: int) -> dict:
    today = local_day(utcnow())
    rows = [complaints.out(db, r, today) for r in complaints.listed(db, hall_id)]
    figures = complaints.figures(db, hall_id, today - timedelta(days=29), today, today)
    return {"open": [r for r in rows if r.status == "open"][::-1],
            "handled": [r for r in rows if r.status == "handled"][:100], "figures": figures,
            "choices": choices(db, hall_id), "hall_code": db.get(Hall, hall_id).code}


def register(db: Session, who, form: dict, calendar: Calendar) -> int:
    """The new row's id; a refused form raises FormRefused with its fields' errors."""
    try:
        req = wire.ComplaintNew.model_validate({
            "kind": form.get("kind", ""), "source": form.get("source", ""), "category": form.get("category") or "other",
            "priority": form.get("priority") or "normal", "subject": form.get("subject", "").strip(),
            "person": form.get("person", "").strip(), "phone": form.get("phone", "").strip(),
            "helper_id": forms.number(form.get("helper_id")), "window": forms.number(form.get("window")),
            "handler_id": forms.number(form.get("handler_id"))})
    except ValidationError as exc:
        raise FormRefused(forms.field_errors(exc, LABELS)) from None
    return complaints.register(db, who.caller, req, calendar).id


def handle(db: Session, who, complaint_id: int, form: dict) -> None:
    try:
        req = wire.ComplaintHandle.model_validate({
            "handling": form.get("handling", "").strip(), "result": form.get("result", "").strip(),
            "finding": form.get("finding") or None, "serious": form.get("serious") == "1"})
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", "；".join(forms.field_errors(exc, LABELS).values())) from None
    complaints.handle(db, who.caller, complaint_id, req)


class FormRefused(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("form refused")
        self.errors = errors


COLUMNS = [("id", "编号"), ("kind", "类别"), ("source", "来源"), ("category", "问题类型"), ("priority", "紧急程度"),
           ("subject", "反映内容"), ("person", "反映人"), ("phone", "联系电话"), ("helper", "被反映人员"),
           ("window", "窗口"), ("handler", "承办人"), ("received_at", "收到时间"), ("deadline", "办结期限"),
           ("status", "状态"), ("handled_at", "处理完毕时间"), ("on_time", "是否按时"), ("handling", "处理经过"),
           ("result", "处理结果"), ("finding", "核实结论")]


def register_rows(db: Session, hall_id: int) -> list[dict]:
    """The register as the ledger exports it (诉求台账), phone numbers masked."""
    on_time = {True: "按时", False: "逾期", None: ""}
    return [{"id": c.id, "kind": c.kind_name, "source": c.source_name, "category": c.category_name,
             "priority": words.PRIORITY_NAMES[c.priority], "subject": c.subject, "person": c.person, "phone": c.phone,
             "helper": c.helper_name or "", "window": c.window or "", "handler": c.handler_name or "",
             "received_at": c.received_at, "deadline": c.deadline, "status": c.status_name,
             "handled_at": c.handled_at or "", "on_time": on_time[c.on_time], "handling": c.handling,
             "result": c.result, "finding": words.FINDING_NAMES.get(c.finding or "", "")}
            for c in (complaints.out(db, r) for r in complaints.listed(db, hall_id, limit=100_000))][::-1]


def _due(c: wire.Complaint) -> Marked | str:
    if c.on_time is False:
        return Marked(f"{c.deadline}（已逾期）", "late")
    return c.deadline


def render(who, data: dict, *, values: dict | None = None, errors: dict | None = None, done: str | None = None,
           error: tuple[int, str] | None = None) -> Markup:
    handled = [[c.id, c.kind_name, c.source_name, c.category_name, Marked(c.subject, "log"), c.handler_name or "—",
                when(c.received_at), c.deadline, when(c.handled_at),
                "按时" if c.on_time else Marked("逾期", "late"), words.FINDING_NAMES.get(c.finding or "", "—"),
                Marked(c.result, "log")] for c in data["handled"]]
    return templates.render("complaints.html", who=who, open=data["open"], handled=handled, figures=data["figures"],
                            c=data["choices"], values=values or {}, errors=errors or {}, labels=LABELS, done=done,
                            error=error, due=_due, hall_code=data["hall_code"])
