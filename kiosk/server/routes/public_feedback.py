"""The hall's public page for complaints and requests (网上反映): a plain form anyone can send,
registered in the complaint register like a phone call is. Bounded per address."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import ValidationError
from sqlalchemy import select

from kiosk.server import complaints
from kiosk.server.deps import ServerState, server
from kiosk.server.models import Hall
from kiosk.server.rate_limits import PerMinute
from kiosk.server.supervisor import forms, templates
from kiosk.server.supervisor.layout import respond
from kiosk.server.supervisor.web_caller import hall_caller
from kiosk.wire import supervision as wire

router = APIRouter(tags=["public"])
SENDING = PerMinute(5)  # per address: a person writes one, not dozens
LABELS = {"subject": "反映内容", "person": "姓名", "phone": "手机号", "window": "窗口号", "kind": "类别"}
HallCode = Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def _hall(bb: ServerState, code: str) -> Hall | None:
    with bb.db.read() as db:
        return db.scalar(select(Hall).where(Hall.code == code))


def _page(hall: Hall | None, status: int = 200, **shown):
    shown.setdefault("values", {})
    shown.setdefault("errors", {})
    return respond(templates.render("public_feedback.html", hall=hall, labels=LABELS, **shown), status)


@router.get("/feedback/{hall_code}", include_in_schema=False)
def feedback_form(hall_code: HallCode, bb: ServerState = Depends(server)):
    hall = _hall(bb, hall_code)
    return _page(hall, 200 if hall else 404)


@router.post("/feedback/{hall_code}", include_in_schema=False)
def send_feedback(hall_code: HallCode, request: Request, form: dict = Depends(forms.form_body),
                  bb: ServerState = Depends(server)):
    hall = _hall(bb, hall_code)
    if hall is None:
        return _page(None, 404)
    values = {k: form.get(k, "").strip() for k in LABELS}
    try:
        req = wire.PublicComplaint(kind=values["kind"] or "complaint", subject=values["subject"],
                                   person=values["person"], phone=values["phone"],
                                   window=forms.number(values["window"]) if values["window"] else None)
    except ValidationError as exc:
        return _page(hall, 422, values=values, errors=forms.field_errors(exc, LABELS))
    address = request.client.host if request.client else ""
    wait = SENDING.take(address)
    if wait is not None:
        return _page(hall, 429, values=values, errors={"subject": f"提交过于频繁，请 {int(wait) + 1} 秒后再试"})
    with bb.db.write() as db:
        row = complaints.register_public(db, hall_caller(hall.id), req, bb.calendar)
        number, deadline = row.id, row.deadline
    return _page(hall, 201, done=(number, deadline.isoformat()))
