"""Referrals of a ticket to the hall one level up or down (转办、纵向联动): the ticket ends here as
"referred", the other hall takes it up, and the helper who first took it stays responsible."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server import events, tickets
from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller, require
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Hall, Helper, Referral, Ticket
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire import events as wire_events
from kiosk.wire.records import PersonRef, Referral as ReferralOut

STEPS_FROM = {"accepted": ("open",), "closed": ("open", "accepted")}  # a referral's next status: from which


def neighbours(db: Session, hall_id: int) -> list[tuple[Hall, str]]:
    """The halls a referral can go to: the one above this hall ("parent") and those below it ("child")."""
    hall = db.get(Hall, hall_id)
    found = [(h, "child") for h in db.scalars(select(Hall).where(Hall.parent_id == hall_id).order_by(Hall.id))]
    if hall.parent_id is not None:
        found.insert(0, (db.get(Hall, hall.parent_id), "parent"))
    return found


def referral_out(db: Session, r: Referral) -> ReferralOut:
    ticket, helper = db.get(Ticket, r.ticket_id), db.get(Helper, r.helper_id)
    return ReferralOut(
        id=r.id, ticket_id=r.ticket_id, number=ticket.number, from_hall=db.get(Hall, r.from_hall_id).code,
        to_hall=db.get(Hall, r.to_hall_id).code, helper=PersonRef(code=helper.code, name=helper.name),
        note=r.note, status=r.status, created_at=iso(r.created_at), accepted_at=iso(r.accepted_at),
        closed_at=iso(r.closed_at), result=r.result)


def refer(db: Session, who: Caller, ticket_id: int, to_hall: str, note: str) -> Referral:
    target = next((h for h, _ in neighbours(db, who.hall_id) if h.code == to_hall), None)
    if target is None:
        raise ApiError(422, "not_a_neighbour", "只能转办到上一级或下一级大厅")
    ticket = tickets.finish(db, who, ticket_id, SimpleNamespace(outcome="referred", log=f"转办：{note}"))
    referral = Referral(from_hall_id=who.hall_id, to_hall_id=target.id, ticket_id=ticket.id,
                        helper_id=who.helper.id, note=note, status="open", created_at=utcnow())
    db.add(referral)
    db.flush()
    audit(db, who, "referral.create", ticket.id, referral_id=referral.id, to_hall=target.code)
    for hall_id in (who.hall_id, target.id):
        events.record(db, hall_id, wire_events.ReferralCreated(referral_id=referral.id, number=ticket.number,
                                                               to_hall=target.code))
    return referral


def listed(db: Session, who: Caller, direction: str) -> list[Referral]:
    """The newest 500 referrals into this hall (``in``) or out of it (``out``)."""
    require(who, "staff")
    column = Referral.to_hall_id if direction == "in" else Referral.from_hall_id
    return list(db.scalars(select(Referral).where(column == who.hall_id).order_by(Referral.id.desc()).limit(500)))


def answer(db: Session, who: Caller, referral_id: int, status: str, result: str = "") -> Referral:
    """The receiving hall accepts a referral (``accepted``) or closes it with its ``result`` (``closed``)."""
    require(who, "staff")
    referral = db.scalar(select(Referral).where(Referral.id == referral_id).with_for_update())
    if referral is None or who.hall_id not in (referral.to_hall_id, referral.from_hall_id):
        raise not_found("转办记录")
    if referral.to_hall_id != who.hall_id:
        raise ApiError(403, "forbidden", "转办须由接收的大厅受理和办结")
    if referral.status not in STEPS_FROM[status]:
        raise ApiError(409, "illegal_referral_step", "该转办记录的状态不允许此操作")
    referral.status = status
    if status == "accepted":
        referral.accepted_at = utcnow()
    else:
        referral.closed_at, referral.result = utcnow(), result
    audit(db, who, f"referral.{status}", referral.ticket_id, referral_id=referral.id)
    kind = wire_events.ReferralAccepted if status == "accepted" else wire_events.ReferralClosed
    for hall_id in (referral.from_hall_id, referral.to_hall_id):
        events.record(db, hall_id, kind(referral_id=referral.id))
    return referral
