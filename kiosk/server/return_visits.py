"""Return visits (回访): draw a period's random sample of completed services and proxy cases
(``kiosk.domain.return_visits``), list them, record each call's answer. The answers feed seed
004's 社会评价. Every write is audited."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.domain import return_visits as rules
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Case, Helper, Matter, Queue, ReturnVisit, Service, Ticket
from kiosk.server.audit_trail import audit
from kiosk.domain.identity import mask_phone
from kiosk.server.timeutil import iso, utc_bounds, utcnow
from kiosk.wire import supervision as wire


def candidates(db: Session, hall_id: int, first: date, last: date) -> dict[tuple[str, int], int | None]:
    """(subject, id) -> the helper who served, for what ended completed in first..last with a
    phone to call: services finished at the window, cases completed."""
    low, high = utc_bounds(first, last)
    services = db.execute(select(Service.id, Service.helper_id).join(Ticket, Ticket.id == Service.ticket_id).where(
        Service.hall_id == hall_id, Service.end_reason == "finished", Service.finished_at >= low,
        Service.finished_at < high, Ticket.phone.is_not(None), Ticket.phone != "")).all()
    cases = db.execute(select(Case.id, Case.helper_id).where(
        Case.hall_id == hall_id, Case.closed_at >= low, Case.closed_at < high,
        Case.state.in_((*case_states.COMPLETED, "archived")))).all()
    return {**{("service", i): h for i, h in services}, **{("case", i): h for i, h in cases}}


def draw(db: Session, who: Caller, req: wire.ReturnVisitDraw) -> tuple[str, int, list[ReturnVisit]]:
    """The period's sample; drawn again, the same sample (nothing new is drawn)."""
    first, last = req.first, req.last
    period = f"{first.isoformat()}~{last.isoformat()}"
    pool = candidates(db, who.hall_id, first, last)
    existing = list(db.scalars(select(ReturnVisit).where(ReturnVisit.hall_id == who.hall_id,
                                                         ReturnVisit.period == period).order_by(ReturnVisit.id)))
    if existing:
        return period, len(pool), existing
    taken = set(db.execute(select(ReturnVisit.subject, ReturnVisit.subject_id)
                           .where(ReturnVisit.hall_id == who.hall_id)).tuples())
    chosen = rules.draw([c for c in pool if c not in taken],
                        rules.sample_size(len(pool), req.share, req.minimum), rules.seed_of(who.hall_id, period))
    now = utcnow()
    rows = [ReturnVisit(hall_id=who.hall_id, period=period, subject=s, subject_id=i, helper_id=pool[(s, i)],
                        drawn_at=now, status="drawn", note="") for s, i in chosen]
    db.add_all(rows)
    db.flush()
    audit(db, who, "return_visit.drawn", period=period, population=len(pool), drawn=len(rows))
    return period, len(pool), rows


def record(db: Session, who: Caller, visit_id: int, req: wire.ReturnVisitResult) -> ReturnVisit:
    row = db.get(ReturnVisit, visit_id)
    if row is None or row.hall_id != who.hall_id:
        raise not_found("回访")
    if row.status == "done":
        raise ApiError(409, "already_visited", "该回访已记录结果")
    row.status, row.called_at = req.status, utcnow()
    row.called_by = who.helper.id if who.helper else None
    row.score = req.score if req.status == "done" else None
    row.note = req.note.strip()
    audit(db, who, "return_visit.recorded", visit=row.id, status=req.status, score=row.score)
    return row


def listed(db: Session, hall_id: int, status: str | None = None, limit: int = 500) -> list[ReturnVisit]:
    query = select(ReturnVisit).where(ReturnVisit.hall_id == hall_id)
    if status:
        query = query.where(ReturnVisit.status == status)
    return list(db.scalars(query.order_by(ReturnVisit.id.desc()).limit(limit)))


def out(db: Session, row: ReturnVisit) -> wire.ReturnVisit:
    if row.subject == "service":
        number, phone, matter = db.execute(
            select(Ticket.number, Ticket.phone, Matter.name).select_from(Service)
            .join(Ticket, Ticket.id == Service.ticket_id).outerjoin(Matter, Matter.id == Ticket.matter_id)
            .where(Service.id == row.subject_id)).one()
        if matter is None:
            matter = db.scalar(select(Queue.name).join(Service, Service.queue_id == Queue.id)
                               .where(Service.id == row.subject_id))
        label = f"{number} 号"
    else:
        number, phone, matter = db.execute(select(Case.number, Case.phone, Matter.name)
                                           .join(Matter, Matter.id == Case.matter_id)
                                           .where(Case.id == row.subject_id)).one()
        label = f"代办件 {number or row.subject_id}"
    helper = db.get(Helper, row.helper_id).name if row.helper_id else None
    return wire.ReturnVisit(
        id=row.id, period=row.period, subject=row.subject, subject_id=row.subject_id, label=label,
        matter=matter or "", phone=mask_phone(phone) or "", helper_name=helper, drawn_at=iso(row.drawn_at),
        status=row.status, status_name=rules.STATUS_NAMES[row.status], called_at=iso(row.called_at),
        score=row.score, score_name=SCORE_NAMES.get(row.score), note=row.note)


def scores(db: Session, hall_id: int, first: date, last: date) -> dict[int, int]:
    """The answered visits of first..last (by the call's day) per score: seed 004's 社会评价."""
    low, high = utc_bounds(first, last)
    return dict(Counter(db.scalars(select(ReturnVisit.score).where(
        ReturnVisit.hall_id == hall_id, ReturnVisit.status == "done", ReturnVisit.called_at >= low,
        ReturnVisit.called_at < high))))
