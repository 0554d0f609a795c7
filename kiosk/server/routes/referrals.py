"""Referrals to the hall one level up or down (转办、纵向联动): the ticket ends here as
"referred", the other hall takes it up, and the helper who first took it stays responsible."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import select

from kiosk.server import events
from kiosk.server import tickets as ops
from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers, not_found
from kiosk.server.models import Hall, Helper, Referral, Ticket
from kiosk.server.schemas import ReferralClose, ReferralRequest
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire import events as wire_events
from kiosk.wire.records import HallRef, PersonRef, Referral as ReferralOut

router = APIRouter(prefix="/api/v1", tags=["referrals"])
ReferralId = Annotated[int, Path(ge=1, le=2**62)]


def _neighbours(db, hall_id: int) -> list[tuple[Hall, str]]:
    hall = db.get(Hall, hall_id)
    found = [(h, "child") for h in db.scalars(select(Hall).where(Hall.parent_id == hall_id).order_by(Hall.id))]
    if hall.parent_id is not None:
        found.insert(0, (db.get(Hall, hall.parent_id), "parent"))
    return found


def referral_out(db, r: Referral) -> ReferralOut:
    ticket, helper = db.get(Ticket, r.ticket_id), db.get(Helper, r.helper_id)
    return ReferralOut(
        id=r.id, ticket_id=r.ticket_id, number=ticket.number, from_hall=db.get(Hall, r.from_hall_id).code,
        to_hall=db.get(Hall, r.to_hall_id).code, helper=PersonRef(code=helper.code, name=helper.name),
        note=r.note, status=r.status, created_at=iso(r.created_at), accepted_at=iso(r.accepted_at),
        closed_at=iso(r.closed_at), result=r.result)


@router.get("/halls/neighbours", response_model=list[HallRef], responses=answers(401, 503))
def hall_neighbours(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The halls a referral can go to: the one above this hall and those below it."""
    with bb.db.read() as db:
        return [HallRef(code=h.code, name=h.name, level=h.level, relation=relation)
                for h, relation in _neighbours(db, who.hall_id)]


@router.post("/referrals", status_code=201, response_model=ReferralOut,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def refer(req: ReferralRequest, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        target = next((h for h, _ in _neighbours(db, who.hall_id) if h.code == req.to_hall), None)
        if target is None:
            raise ApiError(422, "not_a_neighbour", "只能转办到上一级或下一级大厅")
        ticket = ops.finish(db, who, req.ticket_id, SimpleNamespace(outcome="referred", log=f"转办：{req.note}"))
        referral = Referral(from_hall_id=who.hall_id, to_hall_id=target.id, ticket_id=ticket.id,
                            helper_id=who.helper.id, note=req.note, status="open", created_at=utcnow())
        db.add(referral)
        db.flush()
        audit(db, who, "referral.create", ticket.id, referral_id=referral.id, to_hall=target.code)
        out = referral_out(db, referral)
        for hall_id in (who.hall_id, target.id):
            events.record(db, hall_id, wire_events.ReferralCreated(referral_id=referral.id, number=ticket.number,
                                                                   to_hall=target.code))
    return out


@router.get("/referrals", response_model=list[ReferralOut], responses=answers(401, 403, 422, 503))
def list_referrals(direction: str = Query(default="in", pattern="^(in|out)$"),
                   who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    column = Referral.to_hall_id if direction == "in" else Referral.from_hall_id
    with bb.db.read() as db:
        rows = db.scalars(select(Referral).where(column == who.hall_id).order_by(Referral.id.desc()).limit(500))
        return [referral_out(db, r) for r in rows]


def _answer(bb: ServerState, who: Caller, referral_id: int, status: str, result: str = "") -> ReferralOut:
    require(who, "staff")
    with bb.db.write() as db:
        referral = db.scalar(select(Referral).where(Referral.id == referral_id).with_for_update())
        if referral is None or who.hall_id not in (referral.to_hall_id, referral.from_hall_id):
            raise not_found("转办记录")
        if referral.to_hall_id != who.hall_id:
            raise ApiError(403, "forbidden", "转办须由接收的大厅受理和办结")
        allowed = {"accepted": ("open",), "closed": ("open", "accepted")}[status]
        if referral.status not in allowed:
            raise ApiError(409, "illegal_referral_step", "该转办记录的状态不允许此操作")
        referral.status = status
        if status == "accepted":
            referral.accepted_at = utcnow()
        else:
            referral.closed_at, referral.result = utcnow(), result
        audit(db, who, f"referral.{status}", referral.ticket_id, referral_id=referral.id)
        for hall_id in (referral.from_hall_id, referral.to_hall_id):
            kind = wire_events.ReferralAccepted if status == "accepted" else wire_events.ReferralClosed
            events.record(db, hall_id, kind(referral_id=referral.id))
        out = referral_out(db, referral)
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
