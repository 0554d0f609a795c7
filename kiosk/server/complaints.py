"""The complaint register (诉求登记, 接诉即办): register from any channel, handle, list, and the
figure the seeds judge it by (handled on time, seed 002: 100 %). Every write is audited.
The API and the supervisor pages both call these."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import complaints as words
from kiosk.domain.figures import share
from kiosk.domain.working_days import Calendar
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Complaint, Helper, Window
from kiosk.server.audit_trail import audit
from kiosk.domain.identity import mask_phone
from kiosk.server.timeutil import iso, local_day, utc_bounds, utcnow
from kiosk.wire import supervision as wire


def _helper_of_hall(db: Session, hall_id: int, helper_id: int | None, what: str) -> int | None:
    if helper_id is None:
        return None
    helper = db.get(Helper, helper_id)
    if helper is None or helper.hall_id != hall_id:
        raise ApiError(422, "unknown_helper", f"本厅没有所选的{what}")
    return helper.id


def _window_id(db: Session, hall_id: int, number: int | None) -> int | None:
    if number is None:
        return None
    found = db.scalar(select(Window.id).where(Window.hall_id == hall_id, Window.number == number))
    if found is None:
        raise ApiError(422, "unknown_window", f"本厅没有 {number} 号窗口")
    return found


def register(db: Session, who: Caller, req: wire.ComplaintNew, calendar: Calendar) -> Complaint:
    now = utcnow()
    row = Complaint(
        hall_id=who.hall_id, kind=req.kind, source=req.source, category=req.category, priority=req.priority,
        subject=req.subject.strip(), person=req.person.strip(), phone=req.phone,
        helper_id=_helper_of_hall(db, who.hall_id, req.helper_id, "被反映人员"),
        window_id=_window_id(db, who.hall_id, req.window),
        handler_id=_helper_of_hall(db, who.hall_id, req.handler_id, "承办人"),
        received_at=now, deadline=words.deadline(local_day(now), req.priority, calendar),
        registered_by=who.helper.id if who.helper else None, status="open", handling="", result="", serious=False)
    db.add(row)
    db.flush()
    audit(db, who, "complaint.registered", complaint=row.id, kind=req.kind, source=req.source)
    return row


def register_public(db: Session, who: Caller, req: wire.PublicComplaint, calendar: Calendar) -> Complaint:
    """From the public page: the hall's own channel, nothing chosen but the words."""
    return register(db, who, wire.ComplaintNew(kind=req.kind, source="public_page", subject=req.subject,
                                               person=req.person, phone=req.phone, window=req.window), calendar)


def handle(db: Session, who: Caller, complaint_id: int, req: wire.ComplaintHandle) -> Complaint:
    row = db.get(Complaint, complaint_id)
    if row is None or row.hall_id != who.hall_id:
        raise not_found("诉求")
    if not who.is_supervisor and (who.helper is None or who.helper.id != row.handler_id):
        raise ApiError(403, "forbidden", "只有承办人、协调员或首席帮办代办员可以办结诉求")
    if row.status != "open":
        raise ApiError(409, "already_handled", "该诉求已处理完毕")
    if row.kind == "complaint" and req.finding is None:
        raise ApiError(422, "finding_required", "投诉办结时请填写核实结论（属实、部分属实或不属实）")
    row.status, row.handled_at = "handled", utcnow()
    row.handling, row.result = req.handling.strip(), req.result.strip()
    row.finding, row.serious = req.finding, req.serious
    if row.handler_id is None and who.helper is not None:
        row.handler_id = who.helper.id
    audit(db, who, "complaint.handled", complaint=row.id, finding=req.finding, serious=req.serious)
    return row


def listed(db: Session, hall_id: int, status: str | None = None, limit: int = 500) -> list[Complaint]:
    query = select(Complaint).where(Complaint.hall_id == hall_id)
    if status:
        query = query.where(Complaint.status == status)
    return list(db.scalars(query.order_by(Complaint.id.desc()).limit(limit)))


def out(db: Session, row: Complaint, today: date | None = None) -> wire.Complaint:
    names = dict(db.execute(select(Helper.id, Helper.name).where(
        Helper.id.in_([i for i in (row.helper_id, row.handler_id) if i]))).all())
    window = db.get(Window, row.window_id).number if row.window_id else None
    today = today or local_day(utcnow())
    handled_day = local_day(row.handled_at) if row.handled_at else None
    return wire.Complaint(
        id=row.id, kind=row.kind, kind_name=words.KIND_NAMES[row.kind], source=row.source,
        source_name=words.SOURCE_NAMES[row.source], category=row.category,
        category_name=words.CATEGORY_NAMES[row.category], priority=row.priority, subject=row.subject,
        person=row.person, phone=mask_phone(row.phone) or "", helper_id=row.helper_id,
        helper_name=names.get(row.helper_id), window=window, handler_id=row.handler_id,
        handler_name=names.get(row.handler_id), received_at=iso(row.received_at), deadline=row.deadline.isoformat(),
        status=row.status, status_name=words.STATUS_NAMES[row.status], handled_at=iso(row.handled_at),
        handling=row.handling, result=row.result, finding=row.finding, serious=row.serious,
        on_time=words.on_time(row.deadline, handled_day, today))


def figures(db: Session, hall_id: int, first: date, last: date, today: date | None = None) -> wire.ComplaintFigures:
    """Of those received in first..last: handled, handled by the deadline's day, still open past it."""
    low, high = utc_bounds(first, last)
    today = today or local_day(utcnow())
    rows = db.execute(select(Complaint.kind, Complaint.deadline, Complaint.handled_at, Complaint.finding)
                      .where(Complaint.hall_id == hall_id, Complaint.received_at >= low,
                             Complaint.received_at < high)).all()
    handled = [r for r in rows if r.handled_at is not None]
    punctual = sum(1 for r in handled if local_day(r.handled_at) <= r.deadline)
    late_open = sum(1 for r in rows if r.handled_at is None and today > r.deadline)
    return wire.ComplaintFigures(
        received=len(rows), handled=len(handled), handled_on_time=punctual, open_late=late_open,
        on_time_rate=share(punctual, len(handled) + late_open),
        complaints_counted=sum(1 for r in rows if words.counts_against(r.kind, r.finding)))


def findings(db: Session, hall_id: int, first: date, last: date) -> tuple[int, bool, bool]:
    """For seed 004's 举报投诉: (complaints counted, misconduct proven, a serious case)."""
    low, high = utc_bounds(first, last)
    rows = db.execute(select(Complaint.kind, Complaint.category, Complaint.finding, Complaint.serious)
                      .where(Complaint.hall_id == hall_id, Complaint.received_at >= low,
                             Complaint.received_at < high)).all()
    counted = sum(1 for r in rows if words.counts_against(r.kind, r.finding))
    proven = any(words.misconduct_proven(r.kind, r.category, r.finding) for r in rows)
    serious = any(r.serious and r.finding in ("founded", "partly") for r in rows)
    return counted, proven, serious

