"""Issuing, calling and serving tickets: the queue's database side.

The order of the line is the pure ``queue_policy``'s; this module stores each
ticket's call key and lets the database pick the head under its own lock. The
functions take a Session or a ``db.Transaction`` and run prebuilt Core
statements (``ticket_statements``); a ticket is the row as its change left it.
"""
from __future__ import annotations

import secrets
import time
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from kiosk.domain import queue_policy
from kiosk.domain.identity import mask_phone
from kiosk.domain.ticket_states import IllegalTransition, next_status
from kiosk.server import events, rollups
from kiosk.server import ticket_statements as sql
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.audit_trail import audit
from kiosk.server.models import Helper, Window
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire import events as wire_events
from kiosk.wire.answers import HelperPublic, Ticket

RECENT_SERVICES = 20
CLOCK_SKEW = timedelta(seconds=5)  # between a pad bridge's clock and ours

def _database_key(db) -> str:
    return str(db.get_bind().engine.url)


_window_numbers: dict[tuple[str, int], int] = {}


def window_number(db: Session, window_id: int | None) -> int | None:
    """A window's number by id; numbers do not change, so each is read once per process."""
    if window_id is None:
        return None
    key = (_database_key(db), window_id)
    if key not in _window_numbers:
        _window_numbers[key] = db.execute(sql.WINDOW_NUMBER, {"window_id": window_id}).scalar()
    return _window_numbers[key]


def ticket_out(db: Session | None, ticket, *, staff: bool = False, window: int | None = None) -> Ticket:
    """``ticket``: an ORM Ticket or a row of the tickets table; ``window``: its window's number
    when the caller knows it (then ``db`` is needed only for a waiting ticket's line)."""
    ahead = waiting_ahead(db, ticket) if ticket.status == "waiting" else None
    return Ticket.model_construct(  # our own row: not validated again on the hot path (see kiosk.wire)
        id=ticket.id, number=ticket.number, queue_id=ticket.queue_id, matter_id=ticket.matter_id,
        service_type=ticket.service_type, status=ticket.status, priority_group=ticket.priority_group,
        issued_at=iso(ticket.issued_at), called_at=iso(ticket.called_at), finished_at=iso(ticket.finished_at),
        outcome=ticket.outcome, window=window if window is not None else window_number(db, ticket.window_id),
        recall_count=ticket.recall_count, phone=ticket.phone if staff else mask_phone(ticket.phone),
        public_token=ticket.public_token, waiting_ahead=ahead,
        **({} if ahead is None else wait_fields(db, ticket.queue_id, ahead)))


def issued_ticket(id_: int, number: str, queue_id: int, req, public_token: str, issued_at: str, ahead: int,
                  wait: dict) -> Ticket:
    """A ticket just issued, as the kiosk shows it (phone masked): both issuing paths say it so.
    ``wait``: its ``wait_fields``."""
    return Ticket.model_construct(
        id=id_, number=number, queue_id=queue_id, matter_id=req.matter_id, service_type=req.service_type,
        status="waiting", priority_group=req.priority_group, issued_at=issued_at, called_at=None,
        finished_at=None, outcome=None, window=None, recall_count=0, phone=mask_phone(req.phone),
        public_token=public_token, waiting_ahead=ahead, **wait)


# --- the line ---------------------------------------------------------------

def waiting_ahead(db: Session, ticket) -> int:
    return db.execute(sql.AHEAD, {"queue_id": ticket.queue_id, "day": ticket.day, "tier": ticket.tier,
                                  "rank_at": ticket.rank_at, "ticket_id": ticket.id}).scalar() or 0


_wait_basis: dict[tuple[str, int], tuple[float, list[float], int]] = {}
WAIT_BASIS_TTL_S = 2.0


def _service_basis(db: Session, queue_id: int) -> tuple[list[float], int]:
    """Recent service times and open windows of a queue, re-read at most every 2 s:
    an estimate in minutes does not need them fresher, and issuing is the hot path."""
    cached = _wait_basis.get((_database_key(db), queue_id))
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    return read_service_basis(db, queue_id)


def read_service_basis(db: Session, queue_id: int) -> tuple[list[float], int]:
    recent = db.execute(sql.RECENT_SERVICES, {"queue_id": queue_id, "limit": RECENT_SERVICES}).all()
    durations = [(r.finished_at - r.called_at).total_seconds() for r in recent]
    open_windows = db.execute(sql.OPEN_WINDOWS, {"queue_id": queue_id}).scalar() or 0
    _wait_basis[(_database_key(db), queue_id)] = (time.monotonic() + WAIT_BASIS_TTL_S, durations, open_windows)
    return durations, open_windows


def estimated_wait(db: Session, queue_id: int, ahead: int) -> int:
    if ahead <= 0:
        return 0
    durations, open_windows = _service_basis(db, queue_id)
    return queue_policy.estimate_wait_s(ahead, durations, open_windows)


def _wait_fields(ahead: int, durations: list[float], open_windows: int) -> dict:
    """``staffed_windows``: windows serving the queue with a helper signed in. With none, no
    estimate holds (it assumes a window opens): the kiosk says so and sends the person on."""
    return {"estimated_wait_s": queue_policy.estimate_wait_s(ahead, durations, open_windows),
            "staffed_windows": open_windows}


def wait_fields(db: Session, queue_id: int, ahead: int) -> dict:
    """A waiting ticket's ``estimated_wait_s`` and ``staffed_windows``."""
    return _wait_fields(ahead, *_service_basis(db, queue_id))


def cached_wait_fields(engine, queue_id: int, ahead: int) -> tuple[dict | None, bool]:
    """``wait_fields`` from the queue's basis as last read, if any, and whether that is fresh."""
    cached = _wait_basis.get((str(engine.url), queue_id))
    if cached is None:
        return None, False
    return _wait_fields(ahead, cached[1], cached[2]), cached[0] > time.monotonic()


def waiting_count(db: Session, queue_id: int) -> int:
    """Today's line of a queue."""
    return db.execute(sql.LINE_LENGTH, {"queue_id": queue_id, "day": local_day(utcnow())}).scalar() or 0


# --- issuing ----------------------------------------------------------------

def new_public_token() -> str:
    """What a receipt's QR code opens the ticket's public page with."""
    return secrets.token_urlsafe(12)


def find_replay(db: Session, caller: Caller, key: str | None) -> Row | None:
    if not key:
        return None
    return db.execute(sql.REPLAY, {"device_id": caller.device.id, "key": key}).first()


def proxy_not_offered(matter_name: str) -> ApiError:
    return ApiError(422, "proxy_not_offered", f"“{matter_name}”不在代办事项清单内，请选择帮办或咨询")


def retired(what: str) -> ApiError:
    """A matter or queue the hall has retired (停用) since the kiosk last read its catalogue."""
    return ApiError(409, "retired", f"该{what}已停用，请返回首页重新选择")


def _queue_of(db: Session, caller: Caller, req) -> tuple[int, str, int | None]:
    """The queue a kiosk's request joins, its prefix, and the matter, checked against the hall."""
    if req.matter_id is None:
        queue = db.execute(sql.QUEUE, {"queue_id": req.queue_id}).first()
        if queue is None or queue.hall_id != caller.hall_id:
            raise not_found("队列")
        if queue.retired_at is not None:
            raise retired("队列")
        return req.queue_id, queue.prefix, None
    matter = db.execute(sql.MATTER, {"matter_id": req.matter_id}).first()
    if matter is None or matter.hall_id != caller.hall_id:
        raise not_found("事项")
    if matter.retired_at is not None:
        raise retired("事项")
    if req.service_type == "proxy" and not matter.proxy_allowed:
        raise proxy_not_offered(matter.name)
    if matter.queue_hall_id != caller.hall_id:
        raise not_found("队列")
    if matter.queue_retired_at is not None:
        raise retired("队列")
    return matter.queue_id, matter.prefix, req.matter_id


def issue(db: Session, caller: Caller, req, key: str | None, policy: queue_policy.Policy,
          booked: queue_policy.CallKey | None = None) -> tuple[Ticket, bool]:
    """A new ticket, as the kiosk shows it (phone masked), with the people ahead of it; or, for
    a retry with the same idempotency key, the ticket the first try made. Returns it and
    whether it is a retry's. ``booked``: a booked citizen's key (``queue_policy.booked_key``)."""
    replay = find_replay(db, caller, key)
    if replay is not None:
        return ticket_out(db, replay, staff=False), True
    queue_id, prefix, matter_id = _queue_of(db, caller, req)
    now = utcnow()
    day = local_day(now)
    seq = db.execute(sql.NEXT_SEQ[db.get_bind().dialect.name],
                     {"hall": caller.hall_id, "queue": queue_id, "today": day}).scalar_one()
    call_key = booked or queue_policy.call_key(now, req.priority_group, None, policy)
    ticket = dict(
        hall_id=caller.hall_id, queue_id=queue_id, matter_id=matter_id,
        device_id=caller.device.id, idempotency_key=key, service_type=req.service_type,
        day=day, seq=seq, number=f"{prefix}{seq:03d}", public_token=new_public_token(),
        status="waiting", priority_group=req.priority_group, phone=req.phone,
        tier=call_key.tier, rank_at=call_key.rank_at, issued_at=now, recall_count=0,
        target_window_id=None, window_id=None, helper_id=None, called_at=None,
        outcome=None, finished_at=None)
    ticket["id"] = db.execute(sql.INSERT_TICKET, ticket).scalar_one()
    audit(db, caller, "ticket.issue", ticket["id"], number=ticket["number"])
    waiting, ahead = db.execute(sql.LINE_AND_AHEAD, {
        "queue_id": queue_id, "day": day, "tier": call_key.tier, "rank_at": call_key.rank_at,
        "ticket_id": ticket["id"]}).one()
    events.record(db, caller.hall_id, wire_events.TicketIssued(
        ticket_id=ticket["id"], number=ticket["number"], queue_id=queue_id,
        priority=bool(req.priority_group), waiting=waiting))
    return issued_ticket(ticket["id"], ticket["number"], queue_id, req, ticket["public_token"], iso(now), ahead,
                         wait_fields(db, queue_id, ahead)), False


# --- at the window ----------------------------------------------------------

def helper_window(caller: Caller, window_number: int) -> Window:
    if caller.helper is None or caller.window is None:
        raise ApiError(403, "forbidden", "只有在窗口登录的帮办代办员可以叫号")
    if caller.window.number != window_number:
        raise ApiError(403, "wrong_window", f"您已登录 {caller.window.number} 号窗口，不能操作 {window_number} 号窗口")
    return caller.window


def call_next(db: Session, caller: Caller, window_number: int) -> Row | None:
    window = helper_window(caller, window_number)
    held = db.execute(sql.HELD_AT_WINDOW, {"hall_id": caller.hall_id, "window_id": window.id}).first()
    if held is not None:
        raise window_busy(held.number)
    now = utcnow()
    ticket = db.execute(sql.CALL_HEAD, {
        "hall": caller.hall_id, "today": local_day(now), "window": window.id,
        "helper": caller.helper.id, "now": now}).first()
    if ticket is None:
        return None
    db.execute(sql.INSERT_SERVICE, dict(
        hall_id=ticket.hall_id, ticket_id=ticket.id, queue_id=ticket.queue_id, window_id=window.id,
        helper_id=caller.helper.id, called_at=now, started_at=None, ended_at=None, finished_at=None,
        end_reason=None, outcome=None, log=""))
    audit(db, caller, "ticket.call", ticket.id, window=window.number)
    _announce_call(db, ticket, window, wire_events.TicketCalled)
    return ticket


def window_busy(number: str) -> ApiError:
    return ApiError(409, "window_busy", f"本窗口的 {number} 号尚未办结，请先办结、转办或过号")


def _announce_call(db: Session, ticket, window: Window, kind: type[wire_events.TicketCalled]) -> None:
    events.record(db, ticket.hall_id, kind(
        ticket_id=ticket.id, number=ticket.number, queue_id=ticket.queue_id, window=window.number,
        window_name=window.name, waiting=waiting_count(db, ticket.queue_id)))


def check_serving_helper(caller: Caller) -> None:
    if caller.helper is None or caller.window is None:
        raise ApiError(403, "forbidden", "只有在窗口登录的帮办代办员可以办理号码")


def held_by_caller(db: Session, caller: Caller, ticket_id: int) -> tuple[Row, Row]:
    """The ticket (locked) that the caller's window holds, and its open service."""
    check_serving_helper(caller)
    ticket = db.execute(sql.TICKET_FOR_UPDATE, {"ticket_id": ticket_id}).first()
    if ticket is None or ticket.hall_id != caller.hall_id:
        raise not_found("号码")
    if ticket.window_id != caller.window.id or ticket.status not in sql.HELD:
        raise not_held(ticket.number)
    service = db.execute(sql.OPEN_SERVICE, {"ticket_id": ticket.id}).first()
    return ticket, service


def not_held(number: str) -> ApiError:
    return ApiError(409, "not_held", f"{number} 号不在本窗口办理中")


def _update_ticket(db: Session, ticket, **values) -> SimpleNamespace:
    """The ticket changed, as the change leaves it."""
    db.execute(sql.UPDATE_TICKET, {"ticket_id": ticket.id, **values})
    return SimpleNamespace(**{**ticket._asdict(), **values})


def _update_service(db: Session, service_id: int, **values) -> None:
    db.execute(sql.UPDATE_SERVICE, {"service_id": service_id, **values})


def _next(ticket, action: str) -> str:
    try:
        return next_status(ticket.status, action)
    except IllegalTransition as exc:
        raise ApiError(409, "illegal_transition", str(exc)) from None


def act(db: Session, caller: Caller, ticket_id: int, action: str) -> SimpleNamespace:
    """recall, no_show or start on a ticket the caller's window holds."""
    ticket, service = held_by_caller(db, caller, ticket_id)
    status, now = _next(ticket, action), utcnow()
    if action == "recall":
        ticket = _update_ticket(db, ticket, status=status, recall_count=ticket.recall_count + 1)
        _announce_call(db, ticket, caller.window, wire_events.TicketRecalled)
    elif action == "start":
        ticket = _update_ticket(db, ticket, status=status)
        _update_service(db, service.id, started_at=now)
        events.record(db, ticket.hall_id, wire_events.TicketStarted(
            ticket_id=ticket.id, number=ticket.number, window=caller.window.number))
    elif action == "no_show":
        ticket = _update_ticket(db, ticket, status=status, finished_at=now)
        _update_service(db, service.id, ended_at=now, end_reason="no_show")
        events.record(db, ticket.hall_id, wire_events.TicketNoShow(
            ticket_id=ticket.id, number=ticket.number, window=caller.window.number, queue_id=ticket.queue_id))
    audit(db, caller, f"ticket.{action}", ticket.id)
    return ticket


def _target_of(db: Session, caller: Caller, req) -> tuple[int | None, int]:
    """Where a transfer goes: a window of this hall (not the caller's own), or a queue of it."""
    if req.to_window is None:
        queue = db.execute(sql.QUEUE, {"queue_id": req.to_queue}).first()
        if queue is None or queue.hall_id != caller.hall_id:
            raise not_found("目标队列")
        return None, req.to_queue
    window_id = db.execute(sql.WINDOW_ID, {"hall_id": caller.hall_id, "number": req.to_window}).scalar()
    if window_id is None:
        raise not_found("目标窗口")
    if window_id == caller.window.id:
        raise ApiError(409, "same_window", "不能转办到本窗口")
    return window_id, None


def transfer(db: Session, caller: Caller, ticket_id: int, req, policy: queue_policy.Policy) -> SimpleNamespace:
    ticket, service = held_by_caller(db, caller, ticket_id)
    target_window_id, to_queue = _target_of(db, caller, req)
    now = utcnow()
    key = queue_policy.call_key(ticket.issued_at, ticket.priority_group, now, policy)
    ticket = _update_ticket(db, ticket, status=_next(ticket, "transfer"), tier=key.tier, rank_at=key.rank_at,
                            queue_id=to_queue or ticket.queue_id, target_window_id=target_window_id,
                            window_id=None)
    note = f"转办说明：{req.note}" if req.note else None
    _update_service(db, service.id, ended_at=now, end_reason="transferred",
                    log="\n".join(filter(None, [service.log, note])))
    rollups.changed(db, ticket.hall_id, ticket.issued_at, now)  # held over midnight: yesterday's figures change
    audit(db, caller, "ticket.transfer", ticket.id, to_window=req.to_window, to_queue=req.to_queue,
          note=req.note)
    events.record(db, ticket.hall_id, wire_events.TicketTransferred(
        ticket_id=ticket.id, number=ticket.number, from_window=caller.window.number, to_window=req.to_window,
        queue_id=ticket.queue_id, waiting=waiting_count(db, ticket.queue_id)))
    return ticket


def finish(db: Session, caller: Caller, ticket_id: int, req) -> SimpleNamespace:
    ticket, service = held_by_caller(db, caller, ticket_id)
    now = utcnow()
    ticket = _update_ticket(db, ticket, status=_next(ticket, "finish"), outcome=req.outcome, finished_at=now)
    _update_service(db, service.id, outcome=req.outcome, finished_at=now, ended_at=now, end_reason="finished",
                    log="\n".join(filter(None, [service.log, req.log])))
    rollups.changed(db, ticket.hall_id, service.called_at, now)  # held over midnight: yesterday's figures change
    audit(db, caller, "ticket.finish", ticket.id, outcome=req.outcome)
    window = caller.window
    events.record(db, ticket.hall_id, wire_events.TicketFinished(
        ticket_id=ticket.id, number=ticket.number, window=window.number, outcome=req.outcome,
        queue_id=ticket.queue_id))
    events.record(db, ticket.hall_id, wire_events.RatingRequested(
        window=window.number, service_id=service.id, ticket_id=ticket.id, number=ticket.number,
        helper_code=caller.helper.code, helper_name=caller.helper.name))
    return ticket


def helper_public(helper: Helper | None) -> HelperPublic | None:
    return None if helper is None else HelperPublic(code=helper.code, name=helper.name, role=helper.role)
