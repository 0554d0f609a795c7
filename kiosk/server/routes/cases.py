"""Proxy cases (代办件): open, step through, hand documents over, log problems, deliver the result,
pass a case to the hall one level up or down, follow deadlines.

The window terminal's case panel reads a case with ``GET /cases/{id}`` (``unsigned`` lists the
forms still to sign, ``status_url`` and ``public_code`` go on the 受理单) and its lists with
``GET /cases?active=true&mine=true`` (the helper's) or ``?active=true`` (the hall's)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kiosk.server import case_delivery, case_referrals
from kiosk.server import cases as ops
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers, not_found
from kiosk.server.models import Case
from kiosk.server.schemas import (
    CaseDeliveryRequest, CaseItemRequest, CaseProblemRequest, CaseProblemUpdate, CaseReceiptRequest,
    CaseReferralAnswer, CaseReferralRequest, CaseRequest, CaseStepRequest,
)
from kiosk.wire import records as wire

router = APIRouter(prefix="/api/v1", tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=2**62)]
RowId = Annotated[int, Path(ge=1, le=2**62)]


# a single case comes with its steps, items and the rest; a list without them
ONE_CASE = {"response_model": wire.Case, "response_model_exclude_unset": True}
CASE_WORK = answers(401, 403, 404, 409, 422, 503)  # a change to a case that exists in this hall


@router.post("/cases", status_code=201, **ONE_CASE, responses=answers(400, 401, 403, 404, 413, 422, 503))
def open_case(req: CaseRequest, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        case = ops.open_case(db, who, req)
        out = ops.case_view(db, bb, who, case)
    return out


@router.post("/cases/{case_id}/steps", **ONE_CASE, responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def case_step(case_id: CaseId, req: CaseStepRequest, who: Caller = Depends(caller),
              bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        case = ops.take_step(db, who, case_id, req, bb.calendar)
        out = ops.case_view(db, bb, who, case)
    return out


@router.post("/cases/{case_id}/items", status_code=201, response_model=wire.CaseItem,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def case_item(case_id: CaseId, req: CaseItemRequest, who: Caller = Depends(caller),
              bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        item = ops.add_item(db, who, case_id, req)
        return wire.CaseItem(id=item.id, direction=item.direction, name=item.name, copies=item.copies)


@router.post("/cases/{case_id}/problems", status_code=201, response_model=wire.CaseProblem, responses=CASE_WORK)
def raise_problem(case_id: CaseId, req: CaseProblemRequest, who: Caller = Depends(caller),
                  bb: ServerState = Depends(server)):
    """问题记录: a problem met on the case, open until its status says otherwise."""
    with bb.db.write() as db:
        return ops.problem_out(db, ops.raise_problem(db, who, case_id, req))


@router.post("/cases/{case_id}/problems/{problem_id}", response_model=wire.CaseProblem, responses=CASE_WORK)
def update_problem(case_id: CaseId, problem_id: RowId, req: CaseProblemUpdate, who: Caller = Depends(caller),
                   bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        return ops.problem_out(db, ops.update_problem(db, who, case_id, problem_id, req))


@router.post("/cases/{case_id}/delivery", **ONE_CASE, responses=CASE_WORK)
def deliver(case_id: CaseId, req: CaseDeliveryRequest, who: Caller = Depends(caller),
            bb: ServerState = Depends(server)):
    """Pickup (needs the signed 办结单) or post; an electronic result is uploaded instead
    (``POST /cases/{id}/delivery/result``)."""
    with bb.db.write() as db:
        case = case_delivery.deliver(db, who, case_id, req.method, carrier=req.carrier,
                                     tracking_number=req.tracking_number)
        out = ops.case_view(db, bb, who, case)
    return out


@router.post("/cases/{case_id}/delivery/received", **ONE_CASE, responses=CASE_WORK)
def confirm_receipt(case_id: CaseId, req: CaseReceiptRequest, who: Caller = Depends(caller),
                    bb: ServerState = Depends(server)):
    """The helper confirms, after a call, that the posted result arrived."""
    require(who, "helper")
    with bb.db.write() as db:
        case = case_delivery.confirm_receipt(db, who, ops.case_for_update(db, who, case_id), req.note)
        out = ops.case_view(db, bb, who, case)
    return out


@router.post("/cases/{case_id}/referrals", status_code=201, response_model=wire.CaseReferral, responses=CASE_WORK)
def refer_case(case_id: CaseId, req: CaseReferralRequest, who: Caller = Depends(caller),
               bb: ServerState = Depends(server)):
    """Offer the case to the hall one level up (提请上级) or down (转办); ``GET /halls/neighbours`` lists them."""
    with bb.db.write() as db:
        return ops.referral_out(db, case_referrals.offer(db, who, case_id, req.to_hall, req.note))


@router.get("/case-referrals", response_model=list[wire.CaseReferralListed], response_model_exclude_unset=True,
            responses=answers(401, 403, 422, 503))
def list_case_referrals(direction: str = Query(default="in", pattern="^(in|out)$"),
                        who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Offers this hall received (``in``) or made (``out``), newest first, each with the case in brief."""
    require(who, "staff")
    with bb.db.read() as db:
        return [{**ops.referral_out(db, r), "case": ops.case_out(db, db.get(Case, r.case_id), bb.calendar, full=False)}
                for r in case_referrals.listed(db, who.hall_id, direction)]


@router.post("/case-referrals/{referral_id}/answer", response_model=wire.CaseReferral, responses=CASE_WORK)
def answer_case_referral(referral_id: RowId, req: CaseReferralAnswer, who: Caller = Depends(caller),
                         bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        return ops.referral_out(db, case_referrals.answer(db, who, referral_id, req.accept, req.answer))


@router.get("/cases", response_model=list[wire.Case], response_model_exclude_unset=True,
            responses=answers(401, 403, 422, 503))
def list_cases(state: str | None = Query(default=None, pattern="^[a-z_]+$", max_length=20),
               due: str | None = Query(default=None, pattern="^(overdue|due_soon)$"),
               ticket_id: int | None = Query(default=None, ge=1, le=2**62),
               active: bool = False, mine: bool = False,
               who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The hall's cases (its own and those referred to it), newest first; ``due=overdue`` or
    ``due_soon`` for the deadline lists; ``active=true``: not archived; ``mine=true``: the
    signed-in helper's."""
    require(who, "staff")
    with bb.db.write() as db:
        ops.expire_suspensions(db, who.hall_id)
        cases = ops.list_cases(db, who.hall_id, bb.calendar, state=state, due=due, ticket_id=ticket_id,
                               active=active, helper_id=who.helper.id if mine and who.helper else None)
        return [{**ops.case_out(db, c, bb.calendar, full=False), "status_url": ops.status_url(bb.settings.public_url, c)}
                for c in cases]


@router.get("/cases/{case_id}", **ONE_CASE, responses=answers(401, 403, 404, 422, 503))
def get_case(case_id: CaseId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.write() as db:
        ops.expire_suspensions(db, who.hall_id)
        case = db.get(Case, case_id)
        if case is None:
            raise not_found("代办件")
        if who.hall_id not in (case.hall_id, case.handling_hall_id):
            if not case_referrals.offered_to(db, who.hall_id, case.id):
                raise not_found("代办件")
            return ops.case_out(db, case, bb.calendar, full=False)
        return ops.case_view(db, bb, who, case)
