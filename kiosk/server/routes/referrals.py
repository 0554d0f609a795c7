"""Referrals to the hall one level up or down over HTTP: the work is in ``kiosk.server.referrals``."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kiosk.server import referrals
from kiosk.server.auth import Caller
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers
from kiosk.server.schemas import ReferralClose, ReferralRequest
from kiosk.wire.records import HallRef, Referral as ReferralOut

router = APIRouter(prefix="/api/v1", tags=["referrals"])
ReferralId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/halls/neighbours", response_model=list[HallRef], responses=answers(401, 503))
def hall_neighbours(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The halls a referral can go to: the one above this hall and those below it."""
    with bb.db.read() as db:
        return [HallRef(code=h.code, name=h.name, level=h.level, relation=relation)
                for h, relation in referrals.neighbours(db, who.hall_id)]


@router.post("/referrals", status_code=201, response_model=ReferralOut,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def refer(req: ReferralRequest, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        out = referrals.referral_out(db, referrals.refer(db, who, req.ticket_id, req.to_hall, req.note))
    return out


@router.get("/referrals", response_model=list[ReferralOut], responses=answers(401, 403, 422, 503))
def list_referrals(direction: str = Query(default="in", pattern="^(in|out)$"),
                   who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        return [referrals.referral_out(db, r) for r in referrals.listed(db, who, direction)]


def _answer(bb: ServerState, who: Caller, referral_id: int, status: str, result: str = "") -> ReferralOut:
    with bb.db.write() as db:
        out = referrals.referral_out(db, referrals.answer(db, who, referral_id, status, result))
    return out


@router.post("/referrals/{referral_id}/accept", response_model=ReferralOut,
             responses=answers(401, 403, 404, 409, 422, 503))
def accept_referral(referral_id: ReferralId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    return _answer(bb, who, referral_id, "accepted")


@router.post("/referrals/{referral_id}/close", response_model=ReferralOut,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def close_referral(referral_id: ReferralId, req: ReferralClose, who: Caller = Depends(caller),
                   bb: ServerState = Depends(server)):
    return _answer(bb, who, referral_id, "closed", req.result)
