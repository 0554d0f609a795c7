"""随机回访: draw a period's random sample of completed services and cases, call each, record
the answer (``kiosk.server.return_visits``: the API's own rules). The person calling sees the
full number of the visits still to call, and only of those."""
from __future__ import annotations

from datetime import timedelta

from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import return_visits as rules
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.server import return_visits
from kiosk.server.errors import ApiError
from kiosk.server.models import Case, ReturnVisit, Service, Ticket
from kiosk.server.supervisor import forms, templates
from kiosk.server.supervisor.templates import Marked, when
from kiosk.server.timeutil import local_day, utcnow
from kiosk.wire import supervision as wire


def _phone(db: Session, row: ReturnVisit) -> str:
    if row.subject == "service":
        return db.scalar(select(Ticket.phone).join(Service, Service.ticket_id == Ticket.id)
                         .where(Service.id == row.subject_id)) or ""
    return db.scalar(select(Case.phone).where(Case.id == row.subject_id)) or ""


def gather(db: Session, hall_id: int) -> dict:
    rows = return_visits.listed(db, hall_id)
    to_call = [(return_visits.out(db, r), _phone(db, r)) for r in reversed(rows) if r.status == "drawn"]
    called = [return_visits.out(db, r) for r in rows if r.status != "drawn"][:100]
    answered = [v.score for v in called if v.score]
    today = local_day(utcnow())
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month, by default
    return {"to_call": to_call, "called": called, "answered": len(answered),
            "satisfied": sum(1 for s in answered if s >= 4), "first": first,
            "last": today.replace(day=1) - timedelta(days=1)}


def draw(db: Session, who, form: dict) -> tuple[int, int]:
    """(drawn, population); a bad form raises ApiError with why."""
    try:
        req = wire.ReturnVisitDraw.model_validate({
            "first": form.get("first", ""), "last": form.get("last", ""),
            "share": float(form.get("share") or rules.DEFAULT_SHARE * 100) / 100,
            "minimum": forms.number(form.get("minimum")) if form.get("minimum") else rules.MIN_SAMPLE})
    except (ValidationError, ValueError):
        raise ApiError(422, "invalid_request", "请填写正确的起止日期（如 2026-11-01）、抽取比例（1 到 100）和最少抽取件数") from None
    forms.date_range(req.first.isoformat(), req.last.isoformat())
    _, population, rows = return_visits.draw(db, who.caller, req)
    return len(rows), population


def record(db: Session, who, visit_id: int, form: dict) -> None:
    try:
        req = wire.ReturnVisitResult.model_validate({
            "status": form.get("status", ""), "score": forms.number(form.get("score")),
            "note": form.get("note", "").strip()})
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"] if first["type"] == "score_required" else "请选择回访结果，备注不超过 5000 字"
        raise ApiError(422, "invalid_request", message) from None
    return_visits.record(db, who.caller, visit_id, req)


def render(who, data: dict, *, done: str | None = None, error: tuple[int, str] | None = None) -> Markup:
    called = [[v.id, v.label, Marked(v.matter, "log"), v.helper_name or "—", v.status_name, v.score_name or "—",
               when(v.called_at), Marked(v.note, "log")] for v in data["called"]]
    rate = data["satisfied"] / data["answered"] if data["answered"] else None
    return templates.render("return_visits.html", who=who, to_call=data["to_call"], called=called, rate=rate,
                            answered=data["answered"], first=data["first"].isoformat(), last=data["last"].isoformat(),
                            scores=[(str(k), v) for k, v in SCORE_NAMES.items()], share=int(rules.DEFAULT_SHARE * 100),
                            minimum=rules.MIN_SAMPLE, done=done, error=error)
