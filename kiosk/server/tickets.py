"""Issuing, calling and serving tickets: the queue's database side.

The order of the line is the pure ``queue_policy``'s; this module stores each
ticket's call key and lets the database pick the head under its own lock.
"""
from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.domain import queue_policy
from kiosk.domain.ticket_states import IllegalTransition, next_status
from kiosk.server import events, rollups
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import (
    AuditEntry, Helper, HelperSession, Matter, Queue, Service, Ticket, TicketCounter, Window,
    WindowQueue,
)
from kiosk.server.timeutil import iso, local_day, utcnow

RECENT_SERVICES = 20
CLOCK_SKEW = timedelta(seconds=5)  # between a pad bridge's clock and ours


def audit(db: Session, caller: Caller, action: str, ticket_id: int | None = None, **detail) -> None:
    db.execute(insert(AuditEntry).values(  # Core insert: cheaper than the ORM for a write-only row
        hall_id=caller.hall_id, at=utcnow(), action=action,
        helper_id=caller.helper.id if caller.helper else None,
        device_id=caller.device.id, ticket_id=ticket_id, detail=detail))


def mask_phone(phone: str | None) -> str | None:
    return phone[:3] + "****" + phone[-4:] if phone and len(phone) >= 7 else phone


_window_numbers: dict[tuple[str, int], int] = {}


def window_number(db: Session, window_id: int | None) -> int | None:
    """A window's number by id; numbers do not change, so each is read once per process."""
    if window_id is None:
        return None
    key = (str(db.get_bind().url), window_id)
    if key not in _window_numbers:
        _window_numbers[key] = db.scalar(select(Window.number).where(Window.id == window_id))
    return _window_numbers[key]


def ticket_out(db: Session, ticket: Ticket, *, staff: bool = False) -> dict:
    out = {
        "id": ticket.id, "number": ticket.number, "queue_id": ticket.queue_id,
        "matter_id": ticket.matter_id, "service_type": ticket.service_type,
        "status": ticket.status, "priority_group": ticket.priority_group,
        "issued_at": iso(ticket.issued_at), "called_at": iso(ticket.called_at),
        "finished_at": iso(ticket.finished_at), "outcome": ticket.outcome,
        "window": window_number(db, ticket.window_id), "recall_count": ticket.recall_count,
        "phone": ticket.phone if staff else mask_phone(ticket.phone),
        "public_token": ticket.public_token,
    }
    if ticket.status == "waiting":
        out["waiting_ahead"] = waiting_ahead(db, ticket)
        out["estimated_wait_s"] = estimated_wait(db, ticket.queue_id, out["waiting_ahead"])
    return out


# --- the line ---------------------------------------------------------------

def waiting_ahead(db: Session, ticket: Ticket) -> int:
    before = or_(
        Ticket.tier < ticket.tier,
        and_(Ticket.tier == ticket.tier, Ticket.rank_at < ticket.rank_at),
        and_(Ticket.tier == ticket.tier, Ticket.rank_at == ticket.rank_at, Ticket.id < ticket.id),
    )
    # no hall_id: a queue belongs to one hall, and without it the count reads only ix_tickets_queue_line
    return db.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.queue_id == ticket.queue_id, Ticket.status == "waiting", Ticket.day == ticket.day,
        before)) or 0


_wait_basis: dict[tuple[str, int], tuple[float, list[float], int]] = {}
WAIT_BASIS_TTL_S = 2.0


def _service_basis(db: Session, queue_id: int) -> tuple[list[float], int]:
    """Recent service times and open windows of a queue, re-read at most every 2 s:
    an estimate in minutes does not need them fresher, and issuing is the hot path."""
    key = (str(db.get_bind().url), queue_id)
    cached = _wait_basis.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    recent = db.execute(
        select(Service.called_at, Service.finished_at)
        .where(Service.queue_id == queue_id, Service.finished_at.is_not(None))
        .order_by(Service.id.desc()).limit(RECENT_SERVICES)).all()
    durations = [(r.finished_at - r.called_at).total_seconds() for r in recent]
    open_windows = db.scalar(
        select(func.count(func.distinct(HelperSession.window_id)))
        .join(WindowQueue, WindowQueue.window_id == HelperSession.window_id)
        .where(WindowQueue.queue_id == queue_id, HelperSession.ended_at.is_(None))) or 0
    _wait_basis[key] = (time.monotonic() + WAIT_BASIS_TTL_S, durations, open_windows)
    return durations, open_windows


def estimated_wait(db: Session, queue_id: int, ahead: int) -> int:
    if ahead <= 0:
        return 0
    durations, open_windows = _service_basis(db, queue_id)
    return queue_policy.estimate_wait_s(ahead, durations, open_windows)


def waiting_count(db: Session, queue_id: int) -> int:
    """Today's line of a queue (a queue belongs to one hall), counted in ix_tickets_queue_line alone."""
    return db.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.queue_id == queue_id, Ticket.status == "waiting", Ticket.day == local_day(utcnow()))) or 0


# --- issuing ----------------------------------------------------------------

def _next_seq(db: Session, hall_id: int, queue_id: int, day) -> int:
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(TicketCounter).values(hall_id=hall_id, queue_id=queue_id, day=day, last_seq=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["hall_id", "queue_id", "day"],
        set_={"last_seq": TicketCounter.last_seq + 1},
    ).returning(TicketCounter.last_seq)
    return db.execute(stmt).scalar_one()


def find_replay(db: Session, caller: Caller, key: str | None) -> Ticket | None:
    if not key:
        return None
    return db.scalar(select(Ticket).where(Ticket.device_id == caller.device.id,
                                          Ticket.idempotency_key == key))


def issue(db: Session, caller: Caller, req, key: str | None, policy: queue_policy.Policy) -> Ticket:
    matter = None
    if req.matter_id is not None:
        matter = db.get(Matter, req.matter_id)
        if matter is None or matter.hall_id != caller.hall_id:
            raise not_found("事项")
        if req.service_type == "proxy" and not matter.proxy_allowed:
            raise ApiError(422, "proxy_not_offered", f"“{matter.name}”不在代办事项清单内，请选择帮办或咨询")
        queue_id = matter.queue_id
    else:
        queue_id = req.queue_id
    queue = db.get(Queue, queue_id)
    if queue is None or queue.hall_id != caller.hall_id:
        raise not_found("队列")
    now = utcnow()
    day = local_day(now)
    seq = _next_seq(db, caller.hall_id, queue.id, day)
    key_ = queue_policy.call_key(now, req.priority_group, None, policy)
    ticket = Ticket(
        hall_id=caller.hall_id, queue_id=queue.id, matter_id=matter.id if matter else None,
        device_id=caller.device.id, idempotency_key=key, service_type=req.service_type,
        day=day, seq=seq, number=f"{queue.prefix}{seq:03d}", public_token=secrets.token_urlsafe(12),
        status="waiting", priority_group=req.priority_group, phone=req.phone,
        tier=key_.tier, rank_at=key_.rank_at, issued_at=now,
    )
    db.add(ticket)
    db.flush()
    audit(db, caller, "ticket.issue", ticket.id, number=ticket.number)
    events.record(db, caller.hall_id, "ticket.issued", {
        "ticket_id": ticket.id, "number": ticket.number, "queue_id": queue.id,
        "priority": bool(req.priority_group), "waiting": waiting_count(db, queue.id)})
    return ticket


# --- at the window ----------------------------------------------------------

def helper_window(caller: Caller, window_number: int) -> Window:
    if caller.helper is None or caller.window is None:
        raise ApiError(403, "forbidden", "只有在窗口登录的帮办代办员可以叫号")
    if caller.window.number != window_number:
        raise ApiError(403, "wrong_window", f"您已登录 {caller.window.number} 号窗口，不能操作 {window_number} 号窗口")
    return caller.window


def _held_ticket(db: Session, window: Window) -> Ticket | None:
    return db.scalar(select(Ticket).where(Ticket.window_id == window.id,
                                          Ticket.status.in_(("called", "serving"))).limit(1))


def call_next(db: Session, caller: Caller, window_number: int) -> Ticket | None:
    window = helper_window(caller, window_number)
    held = _held_ticket(db, window)
    if held is not None:
        raise ApiError(409, "window_busy",
                       f"本窗口的 {held.number} 号尚未办结，请先办结、转办或过号")
    queue_ids = [q.id for q in window.queues]
    eligible = or_(
        Ticket.target_window_id == window.id,
        and_(Ticket.target_window_id.is_(None), Ticket.queue_id.in_(queue_ids)),
    )
    ticket = db.scalar(
        select(Ticket)
        .where(Ticket.hall_id == caller.hall_id, Ticket.status == "waiting",
               Ticket.day == local_day(utcnow()), eligible)
        .order_by(Ticket.tier, Ticket.rank_at, Ticket.id)
        .limit(1).with_for_update(skip_locked=True))
    if ticket is None:
        return None
    now = utcnow()
    ticket.status = next_status(ticket.status, "call")
    ticket.window_id, ticket.helper_id, ticket.called_at = window.id, caller.helper.id, now
    ticket.target_window_id = None
    db.add(Service(hall_id=ticket.hall_id, ticket_id=ticket.id, queue_id=ticket.queue_id,
                   window_id=window.id, helper_id=caller.helper.id, called_at=now))
    audit(db, caller, "ticket.call", ticket.id, window=window.number)
    _announce_call(db, ticket, window, "ticket.called")
    return ticket


def _announce_call(db: Session, ticket: Ticket, window: Window, type_: str) -> None:
    events.record(db, ticket.hall_id, type_, {
        "ticket_id": ticket.id, "number": ticket.number, "queue_id": ticket.queue_id,
        "window": window.number, "window_name": window.name,
        "waiting": waiting_count(db, ticket.queue_id)})


def held_by_caller(db: Session, caller: Caller, ticket_id: int) -> tuple[Ticket, Service]:
    if caller.helper is None or caller.window is None:
        raise ApiError(403, "forbidden", "只有在窗口登录的帮办代办员可以办理号码")
    ticket = db.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None or ticket.hall_id != caller.hall_id:
        raise not_found("号码")
    if ticket.window_id != caller.window.id or ticket.status not in ("called", "serving"):
        raise ApiError(409, "not_held", f"{ticket.number} 号不在本窗口办理中")
    service = db.scalar(select(Service).where(Service.ticket_id == ticket.id, Service.ended_at.is_(None))
                        .order_by(Service.id.desc()).limit(1))
    return ticket, service


def act(db: Session, caller: Caller, ticket_id: int, action: str) -> Ticket:
    """recall, no_show or start on a ticket the caller's window holds."""
    ticket, service = held_by_caller(db, caller, ticket_id)
    try:
        ticket.status = next_status(ticket.status, action)
    except IllegalTransition as exc:
        raise ApiError(409, "illegal_transition", str(exc)) from None
    now = utcnow()
    if action == "recall":
        ticket.recall_count += 1
        _announce_call(db, ticket, caller.window, "ticket.recalled")
    elif action == "start":
        service.started_at = now
        events.record(db, ticket.hall_id, "ticket.started",
                      {"ticket_id": ticket.id, "number": ticket.number, "window": caller.window.number})
    elif action == "no_show":
        service.ended_at, service.end_reason = now, "no_show"
        ticket.finished_at = now
        events.record(db, ticket.hall_id, "ticket.no_show",
                      {"ticket_id": ticket.id, "number": ticket.number, "window": caller.window.number,
                       "queue_id": ticket.queue_id})
    audit(db, caller, f"ticket.{action}", ticket.id)
    return ticket


def transfer(db: Session, caller: Caller, ticket_id: int, req, policy: queue_policy.Policy) -> Ticket:
    ticket, service = held_by_caller(db, caller, ticket_id)
    target_window = None
    if req.to_window is not None:
        target_window = db.scalar(select(Window).where(Window.hall_id == caller.hall_id,
                                                       Window.number == req.to_window))
        if target_window is None:
            raise not_found("目标窗口")
        if target_window.id == caller.window.id:
            raise ApiError(409, "same_window", "不能转办到本窗口")
    else:
        queue = db.get(Queue, req.to_queue)
        if queue is None or queue.hall_id != caller.hall_id:
            raise not_found("目标队列")
        ticket.queue_id = queue.id
    now = utcnow()
    ticket.status = next_status(ticket.status, "transfer")
    key = queue_policy.call_key(ticket.issued_at, ticket.priority_group, now, policy)
    ticket.tier, ticket.rank_at = key.tier, key.rank_at
    ticket.target_window_id = target_window.id if target_window else None
    ticket.window_id = None
    service.ended_at, service.end_reason = now, "transferred"
    rollups.changed(db, ticket.hall_id, ticket.issued_at, now)  # held over midnight: yesterday's figures change
    if req.note:
        service.log = (service.log + "\n" if service.log else "") + f"转办说明：{req.note}"
    audit(db, caller, "ticket.transfer", ticket.id, to_window=req.to_window, to_queue=req.to_queue,
          note=req.note)
    events.record(db, ticket.hall_id, "ticket.transferred", {
        "ticket_id": ticket.id, "number": ticket.number, "from_window": caller.window.number,
        "to_window": req.to_window, "queue_id": ticket.queue_id,
        "waiting": waiting_count(db, ticket.queue_id)})
    return ticket


def finish(db: Session, caller: Caller, ticket_id: int, req) -> Ticket:
    ticket, service = held_by_caller(db, caller, ticket_id)
    ticket.status = next_status(ticket.status, "finish")
    now = utcnow()
    ticket.outcome, ticket.finished_at = req.outcome, now
    service.outcome, service.finished_at, service.ended_at, service.end_reason = req.outcome, now, now, "finished"
    rollups.changed(db, ticket.hall_id, service.called_at, now)  # held over midnight: yesterday's figures change
    service.log = "\n".join(filter(None, [service.log, req.log]))
    audit(db, caller, "ticket.finish", ticket.id, outcome=req.outcome)
    window = caller.window
    events.record(db, ticket.hall_id, "ticket.finished", {
        "ticket_id": ticket.id, "number": ticket.number, "window": window.number,
        "outcome": req.outcome, "queue_id": ticket.queue_id})
    events.record(db, ticket.hall_id, "rating.requested", {
        "window": window.number, "service_id": service.id, "ticket_id": ticket.id,
        "number": ticket.number, "helper_code": caller.helper.code, "helper_name": caller.helper.name})
    return ticket


def service_to_rate(db: Session, window: Window, within_s: int, at: datetime,
                    service_id: int | None = None) -> Service | None:
    """The service a press at moment ``at`` rates: the one named, or the window's last
    finished one; either way finished at this window no more than ``within_s`` before."""
    query = select(Service).where(Service.window_id == window.id, Service.finished_at.is_not(None),
                                  Service.finished_at >= at - timedelta(seconds=within_s),
                                  Service.finished_at <= at + CLOCK_SKEW)
    if service_id is not None:
        query = query.where(Service.id == service_id)
    return db.scalar(query.order_by(Service.finished_at.desc(), Service.id.desc()).limit(1))


def helper_public(helper: Helper | None) -> dict | None:
    if helper is None:
        return None
    return {"code": helper.code, "name": helper.name, "role": helper.role}
