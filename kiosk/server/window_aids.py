"""Two things a window does beside calling and serving: a coordinator grants the green channel
(绿色通道, which the kiosk leaves out on purpose), and the helper gives the written list of the
materials still missing (seed 000: 一次性书面告知需要补充的全部内容)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from kiosk.domain import queue_policy
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Hall, Matter, Ticket
from kiosk.server.audit_trail import audit
from kiosk.server.tickets import waiting_ahead
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire import supervision as wire


def grant_green_channel(db: Session, who: Caller, ticket_id: int, req: wire.GreenChannel,
                        policy: queue_policy.Policy) -> wire.GreenChannelGranted:
    if not who.is_supervisor:
        raise ApiError(403, "forbidden", "绿色通道只能由协调员或首席帮办代办员开通")
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or ticket.hall_id != who.hall_id:
        raise not_found("号票")
    if ticket.status != "waiting":
        raise ApiError(409, "not_waiting", f"{ticket.number} 号不在等候中，不能再开通绿色通道")
    if ticket.tier != queue_policy.TIER_TRANSFERRED:  # a transfer already goes first
        key = queue_policy.call_key(ticket.issued_at, "green_channel", None, policy)
        ticket.tier, ticket.rank_at = key.tier, key.rank_at
    ticket.priority_group = "green_channel"
    db.flush()
    audit(db, who, "ticket.green_channel", ticket.id, reason=req.reason.strip())
    return wire.GreenChannelGranted(ticket_id=ticket.id, number=ticket.number, priority_group="green_channel",
                                    ahead=waiting_ahead(db, ticket))


def missing_materials(db: Session, who: Caller, req: wire.MissingMaterialsRequest) -> wire.MissingMaterialsSlip:
    """The matter's materials not ticked as brought, in the catalogue's order."""
    matter = db.get(Matter, req.matter_id)
    if matter is None or matter.hall_id != who.hall_id:
        raise not_found("事项")
    listed = list(matter.materials or [])
    unknown = [m for m in req.have if m not in listed]
    if unknown:
        raise ApiError(422, "unknown_material", f"“{unknown[0]}”不在该事项的材料清单中")
    number = None
    if req.ticket_id is not None:
        ticket = db.get(Ticket, req.ticket_id)
        if ticket is None or ticket.hall_id != who.hall_id:
            raise not_found("号票")
        number = ticket.number
    hall = db.get(Hall, who.hall_id)
    missing = [m for m in listed if m not in set(req.have)]
    audit(db, who, "materials.missing_slip", req.ticket_id, matter=matter.id, missing=len(missing))
    return wire.MissingMaterialsSlip(
        hall=hall.name, hall_phone=hall.phone, matter=matter.name, department=matter.department,
        address=matter.address or hall.address, phone=matter.phone or hall.phone,
        time_limit_days=matter.time_limit_days, missing=missing, have=[m for m in listed if m in set(req.have)],
        ticket_number=number, helper=who.helper.name if who.helper else None,
        window=who.window.number if who.window else None, issued_at=iso(utcnow()), note=req.note.strip())
