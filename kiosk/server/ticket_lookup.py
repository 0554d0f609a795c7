"""A ticket looked up: in full with its history and services for the staff of its halls, and as the
citizen's status page shows it (position, estimated wait, window, referral)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server import tickets
from kiosk.server.auth import Caller, require, visible_halls
from kiosk.server.errors import not_found
from kiosk.server.models import AuditEntry, Service, Ticket, Window
from kiosk.server.sync import referral_delivery
from kiosk.server.timeutil import iso
from kiosk.wire import answers as wire


def ticket_record(db: Session, who: Caller, ticket_id: int) -> wire.TicketRecord:
    require(who, "staff")
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or ticket.hall_id not in visible_halls(db, who):
        raise not_found("号码")
    history = [
        wire.HistoryEntry(at=iso(e.at), action=e.action, helper_id=e.helper_id, device_id=e.device_id, **e.detail)
        for e in db.scalars(select(AuditEntry).where(AuditEntry.ticket_id == ticket.id).order_by(AuditEntry.id))]
    services = [
        wire.ServiceRecord(id=s.id, window_id=s.window_id, helper_id=s.helper_id, called_at=iso(s.called_at),
                           started_at=iso(s.started_at), ended_at=iso(s.ended_at), end_reason=s.end_reason,
                           outcome=s.outcome, log=s.log)
        for s in db.scalars(select(Service).where(Service.ticket_id == ticket.id).order_by(Service.id))]
    return wire.TicketRecord(**dict(tickets.ticket_out(db, ticket, staff=True)), history=history, services=services)


def public_ticket(db: Session, public_token: str) -> wire.PublicTicket:
    ticket = db.scalar(select(Ticket).where(Ticket.public_token == public_token))
    if ticket is None:
        raise not_found("号码")
    out = wire.PublicTicket(number=ticket.number, status=ticket.status, issued_at=iso(ticket.issued_at),
                            waiting_ahead=None, window=None)
    if ticket.status == "waiting":
        out.waiting_ahead = tickets.waiting_ahead(db, ticket)
        out.estimated_wait_s = tickets.estimated_wait(db, ticket.queue_id, out.waiting_ahead)
    elif ticket.window_id:
        out.window = db.get(Window, ticket.window_id).number
    out.referral = referral_delivery.referral_word(db, ticket.id)
    return out
