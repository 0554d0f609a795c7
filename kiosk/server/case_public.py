"""A proxy case as its public page shows it (the 受理单's QR code): nothing that tells who the applicant
is; and what the applicant may do there with the case's 6-digit code, a wrong code counted."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server import case_delivery, case_ratings
from kiosk.server.errors import ApiError
from kiosk.server.models import Case, CaseDelivery, CaseRating, CaseStep, Hall, Matter
from kiosk.server.timeutil import iso


def by_token(db: Session, token: str, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.public_token == token)
    case = db.scalar(query.with_for_update() if lock else query)
    if case is None:
        raise ApiError(404, "not_found", "找不到该代办件，请核对受理单上的二维码或联系帮办代办员")
    return case


def public_view(db: Session, case: Case) -> dict:
    """What anyone with the link may see: nothing that tells who the applicant is."""
    delivery = db.get(CaseDelivery, case.id)
    steps = db.scalars(select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.id))
    rated = db.scalar(select(CaseRating.id).where(CaseRating.case_id == case.id)) is not None
    completed = case_ratings.completed(db, case)
    handling = db.get(Hall, case.handling_hall_id) if case.handling_hall_id else None
    return {
        "number": case.number, "hall": db.get(Hall, case.hall_id).name,
        "handling_hall": handling.name if handling else None,
        "matter": db.get(Matter, case.matter_id).name, "applicant": case_states.mask_name(case.applicant),
        "state": case.state, "state_name": case_states.STATE_NAMES[case.state],
        "next_step": case_states.NEXT_STEPS[case.state],
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "resume_by": case.resume_by.isoformat() if case.resume_by else None,
        "reason_name": case_states.REASONS.get(case.reason or ""),
        "delivery": None if delivery is None else {
            "method_name": case_states.DELIVERY_NAMES[delivery.method], "carrier": delivery.carrier,
            "tracking_tail": delivery.tracking_number[-4:], "received_at": iso(delivery.received_at)},
        "history": [{"at": iso(s.at), "action": s.action,
                     "action_name": case_states.ACTION_NAMES.get(s.action, s.action),
                     "state_name": case_states.STATE_NAMES.get(s.to_state, s.to_state)} for s in steps],
        "may_rate": completed and not rated, "rated": rated,
        "may_confirm_receipt": case.state == "sent", "may_download": case.state == "ready_online",
    }


def with_code(database, token: str, code: str, work: Callable[[Session, Case], object]):
    """``work`` if ``code`` is the case's; a wrong code is counted (and committed) before the refusal."""
    with database.write() as db:
        case = by_token(db, token, lock=True)
        if case_delivery.code_matches(case, code):
            return work(db, case)
        refusal = case_delivery.wrong_code(case)
    raise refusal
