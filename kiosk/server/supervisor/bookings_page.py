"""预约与上门: the hall's booking bands (with a form to add one: regular, 延时 or weekend hours,
and one to change each: its capacity, times, active or not),
today's bookings with their states and figures, the home visits due and overdue, the most
pressing first, as the cases page lists cases, and the visits still to arrange, each with a form
to assign helpers (of this hall or those it oversees: a joint visit) and a time."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import booking_rules as rules
from kiosk.server import booking_records, booking_slots, bookings, home_visits
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import ApiError
from kiosk.server.auth import visible_halls
from kiosk.server.models import BookingBand, Hall, Helper, Matter, Queue
from kiosk.server.supervisor import forms, sessions, templates
from kiosk.server.supervisor.layout import respond
from kiosk.server.supervisor.sessions import Supervisor, supervisor
from kiosk.server.supervisor.setup_forms import first, form_lists
from kiosk.server.supervisor.templates import Marked
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire.bookings import BandRequest

router = APIRouter(include_in_schema=False)
DUE_WITHIN = timedelta(days=2)
BAND_HEADERS = ["队列", "事项", "类型", "星期", "时间", "每段", "每段名额", "状态"]
BOOKING_HEADERS = ["时段", "事项", "预约人", "联系电话", "方式", "状态", "号码"]
VISIT_HEADERS = ["约定时间", "服务对象", "联系电话", "地址", "原因", "事项", "上门人员", "状态"]
BAND_LABELS = {"queue_id": "队列", "matter_id": "事项", "kind": "类型", "weekdays": "星期", "start": "开始时间",
               "end": "结束时间", "slot_minutes": "每段分钟", "capacity": "每段名额"}


def _weekdays(text: str) -> str:
    return "、".join(rules.WEEKDAY_NAMES[int(d)] for d in text)


def gather(db: Session, who: Supervisor, public_url: str) -> dict:
    hall_id, now = who.caller.hall_id, utcnow()
    bookings.settle(db, hall_id, now)
    queues = dict(db.execute(select(Queue.id, Queue.name).where(Queue.hall_id == hall_id)).all())
    matters = dict(db.execute(select(Matter.id, Matter.name).where(Matter.hall_id == hall_id)).all())
    band_rows = db.scalars(select(BookingBand).where(BookingBand.hall_id == hall_id).order_by(BookingBand.id)).all()
    bands = [[queues.get(b.queue_id, ""), matters.get(b.matter_id, "（队列内全部事项）"), rules.BAND_KINDS[b.kind],
              _weekdays(b.weekdays), f"{b.start}–{b.end}", f"{b.slot_minutes} 分钟", b.capacity,
              "启用" if b.active else "停用"] for b in band_rows]
    editable = [{**booking_slots.band_out(b), "queue": queues.get(b.queue_id, ""),
                 "matter": matters.get(b.matter_id, "（队列内全部事项）")} for b in band_rows]
    today = [bookings.booking_out(db, b, public_url, staff=False, show_code=False)
             for b in bookings.day_list(db, hall_id, local_day(now))]
    visits = [home_visits.visit_out(db, v, now, staff=False)
              for v in home_visits.listing(db, who.caller, mine=False, open_only=True)]
    due = [v for v in visits if v["overdue"] or (v["scheduled_at"] or v["proposed_at"]) <= _iso_in(DUE_WITHIN)]
    figures = booking_records.figures(db, hall_id, local_day(now), local_day(now))[0]
    to_arrange = [v for v in visits if v["state"] in ("requested", "scheduled")]
    return {"to_arrange": sorted(to_arrange, key=lambda v: v["scheduled_at"] or v["proposed_at"]),
            "visit_helpers": _helpers_for_visits(db, who),
            "bands": bands, "editable_bands": editable, "queues": [(str(k), v) for k, v in queues.items()],
            "matters": [(str(k), v) for k, v in matters.items()],
            "today": [[b["start"] + "–" + b["end"], b["matter"], b["name"], b["phone"], rules.CHANNELS[b["channel"]],
                       Marked(b["state_name"], "late" if b["state"] == "no_show" else ""), b["ticket_number"] or "—"]
                      for b in today],
            "visits": [[Marked(templates.when(v["scheduled_at"] or v["proposed_at"]), "late" if v["overdue"] else "soon"),
                        v["citizen"], v["phone"], v["address"], v["reason_name"], "、".join(v["matters"]),
                        "、".join(h["name"] for h in v["helpers"]) or "（待安排）",
                        ("已逾期 · " if v["overdue"] else "") + v["state_name"]]
                       for v in sorted(due, key=lambda v: v["scheduled_at"] or v["proposed_at"])],
            "figures": figures}


def _helpers_for_visits(db: Session, who: Supervisor) -> list[tuple[str, str]]:
    """Who may go: active helpers of this hall and of the halls it oversees (a joint visit)."""
    rows = db.execute(select(Helper.id, Helper.name, Hall.name).join(Hall, Hall.id == Helper.hall_id)
                      .where(Helper.hall_id.in_(visible_halls(db, who.caller)), Helper.active.is_(True))
                      .order_by(Helper.hall_id, Helper.code))
    own = db.get(Hall, who.caller.hall_id).name
    return [(str(r.id), r.name if r[2] == own else f"{r.name}（{r[2]}）") for r in rows]


def _iso_in(delta: timedelta) -> str:
    return iso(utcnow() + delta)


def render(who: Supervisor, data: dict, *, added: bool = False, scheduled: bool = False, changed: bool = False,
           error: str = "", errors: dict | None = None, shown: dict | None = None) -> Markup:
    return templates.render("bookings.html", who=who, **data, band_headers=BAND_HEADERS, booking_headers=BOOKING_HEADERS,
                            visit_headers=VISIT_HEADERS, kinds=list(rules.BAND_KINDS.items()), added=added,
                            scheduled=scheduled, changed=changed,
                            error=error, errors=errors or {}, shown=shown or {}, labels=BAND_LABELS)


def _page(bb: ServerState, who: Supervisor, status: int = 200, **shown):
    with bb.db.write() as db:
        data = gather(db, who, bb.settings.public_url)
    return respond(render(who, data, **shown), status)


@router.get("/bookings")
def bookings_screen(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    return _page(bb, who, added=request.query_params.get("added") == "1",
                 scheduled=request.query_params.get("scheduled") == "1",
                 changed=request.query_params.get("changed") == "1")


def _band_fields(form: dict) -> dict:
    return {"queue_id": forms.number(form.get("queue_id")), "matter_id": forms.number(form.get("matter_id")),
            "kind": form.get("kind", ""), "weekdays": "".join(sorted(set(form.get("weekdays", "")))),
            "start": form.get("start", ""), "end": form.get("end", ""),
            "slot_minutes": forms.number(form.get("slot_minutes")), "capacity": forms.number(form.get("capacity")),
            "active": form.get("active") == "1"}


def _save_band(request: Request, form: dict, who: Supervisor, bb: ServerState, band_id: int | None, done: str):
    """Add a band (``band_id`` None) or change one, as the API does (``booking_slots.save_band``)."""
    if not sessions.csrf_ok(request.cookies.get(sessions.COOKIE, ""), form.get("csrf")):
        return _page(bb, who, 403, error="表单已过期或来自其他网站，请刷新页面后重试")
    try:
        req = BandRequest.model_validate(_band_fields(form))
        with bb.db.write() as db:
            booking_slots.save_band(db, who.caller, req, band_id)
    except ValidationError as exc:
        errors = forms.field_errors(exc, BAND_LABELS)
        if band_id is not None:  # the change forms are many: their refusal is said once, above them
            return _page(bb, who, 422, error="未保存修改：" + "；".join(f"{BAND_LABELS.get(k, k)}{v}"
                                                                   for k, v in errors.items()))
        return _page(bb, who, 422, errors=errors, shown=form)
    except ApiError as exc:
        return _page(bb, who, exc.status, error=exc.message, shown=form if band_id is None else {})
    return RedirectResponse(f"/supervisor/bookings?{done}=1", status_code=303)


@router.post("/bookings/bands")
def add_band(request: Request, form: Annotated[dict, Depends(forms.form_body)],
             who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    return _save_band(request, {**form, "active": "1"}, who, bb, None, "added")


@router.post("/bookings/bands/{band_id}")
def change_band(band_id: int, request: Request, form: Annotated[dict, Depends(forms.form_body)],
                who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    """修改预约时段: capacity, times, active or not; a band's bookings to come keep their places."""
    return _save_band(request, form, who, bb, band_id, "changed")


@router.post("/bookings/visits/{visit_id}/schedule")
def schedule_visit(visit_id: int, request: Request, form: dict = Depends(form_lists),
                   who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    """安排上门: the helpers who go and when, in the hall's time."""
    if not sessions.csrf_ok(request.cookies.get(sessions.COOKIE, ""), first(form, "csrf")):
        return _page(bb, who, 403, error="表单已过期或来自其他网站，请刷新页面后重试")
    helper_ids = [forms.number(v) for v in form.get("helper_ids", []) if v.strip()]
    try:
        at = datetime.fromisoformat(first(form, "at")).replace(tzinfo=ZoneInfo(bb.settings.timezone))
    except ValueError:
        return _page(bb, who, 422, error="请填写上门的日期和时间")
    if not helper_ids or None in helper_ids:
        return _page(bb, who, 422, error="请至少选择一名上门人员")
    try:
        with bb.db.write() as db:
            visit = home_visits.for_caller(db, who.caller, visit_id, lock=True)
            home_visits.schedule(db, who.caller, visit, helper_ids, at)
    except ApiError as exc:
        return _page(bb, who, exc.status, error=exc.message)
    return RedirectResponse("/supervisor/bookings?scheduled=1", status_code=303)
