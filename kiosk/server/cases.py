"""Proxy cases on the database: the pure ``case_states`` decides, this module records."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kiosk.domain import case_states, identity
from kiosk.domain.working_days import Calendar
from kiosk.server import events
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Case, CaseItem, CaseStep, Helper, Matter, Ticket
from kiosk.server.tickets import audit, mask_phone
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire.events import CaseChanged

DUE_SOON_WORKING_DAYS = 2
_NUMBERING_LOCK = 0x63617365  # "case": orders acceptance numbers within a hall


def _checked_identity(kind: str, number: str) -> str:
    try:
        if kind == "person":
            return identity.check_resident_id(number)
        return identity.check_credit_code(number)
    except identity.IdentityError as exc:
        raise ApiError(422, "invalid_identity", exc.message) from None


def _checked_phone(phone: str) -> str:
    try:
        return identity.check_mobile(phone)
    except identity.IdentityError as exc:
        raise ApiError(422, "invalid_phone", exc.message) from None


def _step(db: Session, caller: Caller, case: Case, action: str, before: str | None,
          reason: str | None = None, note: str = "") -> None:
    db.add(CaseStep(case_id=case.id, at=utcnow(), action=action, from_state=before, to_state=case.state,
                    helper_id=caller.helper.id if caller.helper else None, device_id=caller.device.id,
                    reason=reason, note=note))
    audit(db, caller, f"case.{action}", case.ticket_id, case_id=case.id, state=case.state)
    events.record(db, case.hall_id, CaseChanged(case_id=case.id, state=case.state, number=case.number))


def open_case(db: Session, caller: Caller, req) -> Case:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "代办件须由帮办代办员登记")
    matter = db.get(Matter, req.matter_id)
    if matter is None or matter.hall_id != caller.hall_id:
        raise not_found("事项")
    if not matter.proxy_allowed:
        raise ApiError(422, "proxy_not_offered", f"“{matter.name}”不在代办事项清单内")
    if req.ticket_id is not None:
        ticket = db.get(Ticket, req.ticket_id)
        if ticket is None or ticket.hall_id != caller.hall_id:
            raise not_found("号码")
    case = Case(hall_id=caller.hall_id, ticket_id=req.ticket_id, matter_id=matter.id,
                helper_id=caller.helper.id, applicant=req.applicant.strip(),
                applicant_kind=req.applicant_kind, id_number=_checked_identity(req.applicant_kind, req.id_number),
                phone=_checked_phone(req.phone), delivery=req.delivery, state="entrusted",
                entrusted_at=utcnow())
    db.add(case)
    db.flush()
    _step(db, caller, case, "entrust", None, note="签订代办服务委托书")
    return case


def _acceptance_number(db: Session, hall_id: int, day: date) -> str:
    """DB-20261123-003: the hall's acceptance slips of the day, in order."""
    prefix = f"DB-{day:%Y%m%d}-"
    if db.get_bind().dialect.name == "postgresql":
        # two acceptances at once would both count N and both take N+1; SQLite writes one at a time
        db.execute(text("SELECT pg_advisory_xact_lock(:k, :hall)"), {"k": _NUMBERING_LOCK, "hall": hall_id})
    taken = db.scalar(select(func.count()).select_from(Case).where(
        Case.hall_id == hall_id, Case.number.like(prefix + "%"))) or 0
    return f"{prefix}{taken + 1:03d}"


def _case_for_update(db: Session, caller: Caller, case_id: int) -> Case:
    case = db.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None or case.hall_id != caller.hall_id:
        raise not_found("代办件")
    return case


def take_step(db: Session, caller: Caller, case_id: int, req, calendar: Calendar) -> Case:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "代办件须由帮办代办员办理")
    case = _case_for_update(db, caller, case_id)
    today = local_day(utcnow())
    step = case_states.Step(req.action, req.reason, req.resume_by)
    try:
        target = case_states.next_state(case.state, step, today)
    except case_states.IllegalCaseStep as exc:
        raise ApiError(409, "illegal_case_step", exc.message) from None
    before, case.state = case.state, target
    if req.action == "accept":
        matter = db.get(Matter, case.matter_id)
        case.accepted_at = utcnow()
        case.number = _acceptance_number(db, case.hall_id, today)
        case.deadline = calendar.add_working_days(today, matter.time_limit_days)
    elif req.action == "suspend":
        case.resume_by, case.reason = req.resume_by, req.reason
    elif req.action == "resume":
        case.resume_by = None
    elif req.action in ("complete", "terminate"):
        case.closed_at, case.reason = utcnow(), req.reason
    _step(db, caller, case, req.action, before, req.reason, req.note)
    return case


def expire_suspensions(db: Session, hall_id: int) -> int:
    """Suspensions past their resumption deadline become terminations (续办逾期视为终止)."""
    today = local_day(utcnow())
    lapsed = db.scalars(select(Case).where(Case.hall_id == hall_id, Case.state == "suspended",
                                           Case.resume_by < today).with_for_update()).all()
    for case in lapsed:
        case.state, case.closed_at = "terminated", utcnow()
        db.add(CaseStep(case_id=case.id, at=utcnow(), action="expire", from_state="suspended",
                        to_state="terminated", reason=case.reason, note="超过续办期限，视为终止"))
        events.record(db, hall_id, CaseChanged(case_id=case.id, state=case.state, number=case.number))
    return len(lapsed)


def add_item(db: Session, caller: Caller, case_id: int, req) -> CaseItem:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "移交清单须由帮办代办员登记")
    case = _case_for_update(db, caller, case_id)
    if case.state == "archived":
        raise ApiError(409, "case_archived", "代办件已归档，不能再登记材料")
    item = CaseItem(case_id=case.id, direction=req.direction, name=req.name.strip(), copies=req.copies,
                    original=req.original, at=utcnow(), helper_id=caller.helper.id)
    db.add(item)
    db.flush()
    audit(db, caller, "case.item", case.ticket_id, case_id=case.id, direction=req.direction, name=item.name)
    return item


def due_status(case: Case, calendar: Calendar, today: date) -> str | None:
    if case.deadline is None or case.state not in case_states.OPEN:
        return None
    left = calendar.working_days_between(today, case.deadline)
    if left < 0:
        return "overdue"
    return "due_soon" if left <= DUE_SOON_WORKING_DAYS else "on_time"


def list_cases(db: Session, hall_id: int, calendar: Calendar, *, state: str | None = None,
               due: str | None = None, ticket_id: int | None = None, limit: int = 500) -> list[Case]:
    """A hall's cases, newest first; ``due`` ("overdue" or "due_soon") keeps the open cases with a
    deadline that are in that state today, so the limit never hides a late case behind newer ones."""
    query = select(Case).where(Case.hall_id == hall_id)
    if state:
        query = query.where(Case.state == state)
    if ticket_id:
        query = query.where(Case.ticket_id == ticket_id)
    if due:
        query = query.where(Case.state.in_(case_states.OPEN), Case.deadline.is_not(None))
    found = db.scalars(query.order_by(Case.id.desc()).limit(limit)).all()
    if due:
        today = local_day(utcnow())
        found = [c for c in found if due_status(c, calendar, today) == due]
    return found


def case_out(db: Session, case: Case, calendar: Calendar, *, full: bool) -> dict:
    """``full``: the helper in charge and supervisors see ID and phone; lists show them masked."""
    helper = db.get(Helper, case.helper_id)
    matter = db.get(Matter, case.matter_id)
    out = {
        "id": case.id, "number": case.number, "state": case.state,
        "state_name": case_states.STATE_NAMES[case.state], "matter_id": case.matter_id,
        "matter": matter.name, "applicant": case.applicant, "applicant_kind": case.applicant_kind,
        "id_number": case.id_number if full else identity.mask_id(case.id_number),
        "phone": case.phone if full else mask_phone(case.phone),
        "delivery": case.delivery, "helper": {"code": helper.code, "name": helper.name},
        "ticket_id": case.ticket_id, "entrusted_at": iso(case.entrusted_at), "accepted_at": iso(case.accepted_at),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "resume_by": case.resume_by.isoformat() if case.resume_by else None,
        "reason": case.reason, "reason_name": case_states.REASONS.get(case.reason or ""),
        "closed_at": iso(case.closed_at), "due": due_status(case, calendar, local_day(utcnow())),
    }
    if full:
        out["steps"] = [{"at": iso(s.at), "action": s.action, "from": s.from_state, "to": s.to_state,
                         "helper_id": s.helper_id, "reason": s.reason, "note": s.note}
                        for s in db.scalars(select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.id))]
        out["items"] = [{"direction": i.direction, "name": i.name, "copies": i.copies, "original": i.original,
                         "at": iso(i.at)}
                        for i in db.scalars(select(CaseItem).where(CaseItem.case_id == case.id).order_by(CaseItem.id))]
    return out
