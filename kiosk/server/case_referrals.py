"""Cases passed one level up or down (seeds 002 互动接力, 004 转办、提请上级): one hall offers, the
other accepts or declines. The hall that accepts works the case; the hall and helper that took
it first stay responsible (首问负责) and follow its progress."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server import cases, events
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Case, CaseReferral, Hall
from kiosk.server.referrals import neighbours
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import utcnow
from kiosk.wire.events import CaseChanged


def _note_step(db: Session, caller: Caller, case: Case, note: str) -> None:
    """A referral changes who works the case, not its state: a step from the state to itself."""
    cases.staff_step(db, caller, case, "refer", case.state, note=note)


def offer(db: Session, caller: Caller, case_id: int, to_hall: str, note: str) -> CaseReferral:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "转办须由帮办代办员提出")
    case = cases.case_for_update(db, caller, case_id)
    if case.state not in case_states.OPEN:
        raise ApiError(409, "case_closed", f"代办件已“{case_states.STATE_NAMES[case.state]}”，不能再转办")
    target = next((h for h, _ in neighbours(db, caller.hall_id) if h.code == to_hall), None)
    if target is None:
        raise ApiError(422, "not_a_neighbour", "只能转办到上一级或下一级大厅")
    pending = db.scalar(select(CaseReferral.id).where(CaseReferral.case_id == case.id,
                                                      CaseReferral.status == "offered"))
    if pending is not None:
        raise ApiError(409, "referral_pending", "该代办件已有一份转办等待对方答复")
    referral = CaseReferral(case_id=case.id, from_hall_id=caller.hall_id, to_hall_id=target.id,
                            helper_id=caller.helper.id, note=note.strip(), status="offered", created_at=utcnow())
    db.add(referral)
    db.flush()
    audit(db, caller, "case.refer", case.ticket_id, case_id=case.id, referral_id=referral.id, to_hall=target.code)
    _tell(db, case, referral)
    return referral


def _tell(db: Session, case: Case, referral: CaseReferral) -> None:
    for hall_id in {case.hall_id, referral.from_hall_id, referral.to_hall_id}:
        events.record(db, hall_id, CaseChanged(case_id=case.id, state=case.state, number=case.number,
                                               change="referral", referral_id=referral.id,
                                               referral_status=referral.status))


def answer(db: Session, caller: Caller, referral_id: int, accept: bool, note: str) -> CaseReferral:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "转办须由帮办代办员接收或退回")
    referral = db.scalar(select(CaseReferral).where(CaseReferral.id == referral_id).with_for_update())
    if referral is None or caller.hall_id not in (referral.to_hall_id, referral.from_hall_id):
        raise not_found("转办记录")
    if referral.to_hall_id != caller.hall_id:
        raise ApiError(403, "forbidden", "转办须由接收的大厅接收或退回")
    if referral.status != "offered":
        raise ApiError(409, "referral_answered", "该转办已经答复过了")
    if not accept and not note.strip():
        raise ApiError(422, "answer_required", "退回转办须说明理由")
    case = db.scalar(select(Case).where(Case.id == referral.case_id).with_for_update())
    referral.status = "accepted" if accept else "declined"
    referral.answered_at, referral.answered_by, referral.answer = utcnow(), caller.helper.id, note.strip()
    hall = db.get(Hall, caller.hall_id)
    if accept:
        case.handling_hall_id = None if caller.hall_id == case.hall_id else caller.hall_id
        _note_step(db, caller, case, f"转由{hall.name}办理")
    audit(db, caller, f"case.referral_{referral.status}", case.ticket_id, case_id=case.id, referral_id=referral.id)
    _tell(db, case, referral)
    return referral


def listed(db: Session, hall_id: int, direction: str) -> list[CaseReferral]:
    column = CaseReferral.to_hall_id if direction == "in" else CaseReferral.from_hall_id
    return list(db.scalars(select(CaseReferral).where(column == hall_id).order_by(CaseReferral.id.desc()).limit(500)))


def offered_to(db: Session, hall_id: int, case_id: int) -> bool:
    """A hall a case is offered to reads it before it answers."""
    return db.scalar(select(CaseReferral.id).where(CaseReferral.case_id == case_id, CaseReferral.to_hall_id == hall_id,
                                                   CaseReferral.status == "offered").limit(1)) is not None
