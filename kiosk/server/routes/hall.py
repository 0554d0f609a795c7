"""The hall as terminals see it: sign-in, windows, the catalogue, the lines."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import func, or_, select, update

from kiosk.server.auth import Caller, new_token, pin_matches, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.models import (
    Area, Device, DeviceHealth, Helper, HelperSession, Matter, Queue, Ticket, Window,
)
from kiosk.server.schemas import HealthReport, SessionRequest
from kiosk.server import events
from kiosk.server.sign_in_limits import locked_out, unknown_code_failed
from kiosk.server.staff_register import refuse_if_inactive
from kiosk.server.audit_trail import audit
from kiosk.server.tickets import helper_public, ticket_out, window_number
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire import answers as wire
from kiosk.wire.events import WindowStaffed

router = APIRouter(prefix="/api/v1", tags=["hall"])


def _staffing_event(db, hall_id: int, window_id: int, helper: Helper | None) -> None:
    """Who staffs a window is public (公示): the hall display follows it."""
    events.record(db, hall_id, WindowStaffed(window=window_number(db, window_id), helper=helper_public(helper)))


@router.post("/sessions", status_code=201, response_model=wire.SignedIn,
             responses=answers(400, 401, 403, 404, 413, 422, 429, 503))
def sign_in(req: SessionRequest, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "window")
    if who.device.window_number is not None and who.device.window_number != req.window:
        raise ApiError(403, "wrong_window", f"本终端属于 {who.device.window_number} 号窗口")
    s = bb.settings
    with bb.db.write() as db:
        window = db.scalar(select(Window).where(Window.hall_id == who.hall_id, Window.number == req.window))
        if window is None:
            raise ApiError(404, "not_found", f"本大厅没有 {req.window} 号窗口")
        helper = db.scalar(select(Helper).where(Helper.hall_id == who.hall_id, Helper.code == req.helper_code))
        now = utcnow()
        pin_ok = pin_matches(helper, req.pin)
        if helper is None:
            unknown_code_failed(who.device.id, req.helper_code, s.login_max_failures, s.login_lock_s)
            raise ApiError(401, "bad_credentials", "工号或密码不正确")
        if helper.locked_until and helper.locked_until > now:
            raise locked_out(int((helper.locked_until - now).total_seconds()) + 1)
        if not pin_ok:
            helper.failed_logins += 1
            over = helper.failed_logins - s.login_max_failures
            if over >= 0:
                helper.locked_until = now + timedelta(seconds=min(s.login_lock_s * 2 ** over, 900))
            audit(db, who, "session.failed", helper_code=req.helper_code)
            failed = ApiError(401, "bad_credentials", "工号或密码不正确")
        else:
            failed = None
            helper.failed_logins, helper.locked_until = 0, None
            refuse_if_inactive(helper)  # a helper who left: the register says so (staff_register)
            for old in db.scalars(select(HelperSession).where(
                    HelperSession.ended_at.is_(None),
                    or_(HelperSession.window_id == window.id, HelperSession.helper_id == helper.id))):
                old.ended_at = now
                if old.window_id != window.id:  # the helper left another window
                    _staffing_event(db, who.hall_id, old.window_id, None)
            token, digest = new_token("bbs")
            db.add(HelperSession(token_hash=digest, helper_id=helper.id, device_id=who.device.id,
                                 window_id=window.id, started_at=now))
            audit(db, who, "session.start", helper_code=helper.code, window=window.number)
            _staffing_event(db, who.hall_id, window.id, helper)
    bb.callers.clear()  # sessions this sign-in ended must stop working at once
    if failed:
        raise failed
    return wire.SignedIn(token=token, helper=helper_public(helper), window=req.window)


@router.delete("/sessions/current", status_code=204, responses=answers(401, 403, 503))
def sign_out(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "helper")
    with bb.db.write() as db:
        session = db.get(HelperSession, who.session_id)
        session.ended_at = utcnow()
        audit(db, who, "session.end")
        _staffing_event(db, who.hall_id, session.window_id, None)
    bb.callers.clear()


def _staffing(db, hall_id: int) -> dict[int, tuple[int, wire.HelperPublic, datetime | None]]:
    """Open sessions by window: (session id, the helper as the public may see them, last heard)."""
    rows = db.execute(select(HelperSession.id, HelperSession.window_id, HelperSession.heard_at, Helper)
                      .join(Helper, Helper.id == HelperSession.helper_id)
                      .where(HelperSession.ended_at.is_(None), Helper.hall_id == hall_id)).all()
    return {r.window_id: (r.id, helper_public(r.Helper), r.heard_at) for r in rows}


def _silent_s(bb: ServerState, session_id: int, heard_at: datetime | None) -> float:
    """The shorter of this process's silence and the database's: with --workers N a terminal's
    polls reach any process, and each records them in ``heard_at``."""
    silent = bb.callers.silent_s(session_id)
    if heard_at is not None:
        silent = min(silent, (utcnow() - heard_at).total_seconds())
    return silent


_heartbeats: dict[int, float] = {}  # session id -> when this process last wrote its heard_at


def _heartbeat_due(session_id: int, silent_s: float) -> bool:
    """The terminal reads its line every 15 s and at every event of the hall: its heard_at is
    written at most every 10 s (and well within the silence that ends a session)."""
    now, every = time.monotonic(), min(10.0, silent_s / 4)
    if now - _heartbeats.get(session_id, -every) < every:
        return False
    if len(_heartbeats) > 10_000:
        _heartbeats.clear()
    _heartbeats[session_id] = now
    return True


def _end_silent_sessions(bb: ServerState, who: Caller,
                         staff: dict[int, tuple[int, wire.HelperPublic, datetime | None]]) -> None:
    """A terminal killed or cut off cannot sign out: its session ends once no request of it has
    come for ``session_silent_s`` (the terminal asks for its line every 15 s), so the display
    stops listing a helper who is not there (公示 must be true)."""
    silent = [(window_id, session_id) for window_id, (session_id, _h, heard_at) in staff.items()
              if _silent_s(bb, session_id, heard_at) > bb.settings.session_silent_s]
    if not silent:
        return
    with bb.db.write() as db:
        for window_id, session_id in silent:
            session = db.get(HelperSession, session_id)
            if session.ended_at is None:
                session.ended_at = utcnow()
                audit(db, who, "session.expired", helper_id=session.helper_id, window=window_number(db, window_id))
                _staffing_event(db, who.hall_id, window_id, None)
            del staff[window_id]
    bb.callers.clear()  # the expired tokens must stop working at once


@router.get("/hall", response_model=wire.HallClock, responses=answers(401, 503))
def hall_clock(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The hall's clock, for a terminal whose machine may keep another (the display's clock)."""
    return wire.HallClock(timezone=bb.settings.timezone, now=iso(utcnow()))


@router.get("/windows", response_model=list[wire.WindowInfo], responses=answers(401, 503))
def list_windows(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        staff = _staffing(db, who.hall_id)
    _end_silent_sessions(bb, who, staff)
    with bb.db.read() as db:
        areas = {a.id: a.name for a in db.scalars(select(Area).where(Area.hall_id == who.hall_id))}
        windows = db.scalars(select(Window).where(Window.hall_id == who.hall_id).order_by(Window.number))
        return [wire.WindowInfo(number=w.number, name=w.name, area=areas.get(w.area_id),
                                queue_ids=sorted(q.id for q in w.queues),
                                helper=staff[w.id][1] if w.id in staff else None).model_dump(mode="json")
                for w in windows]  # as dicts: the supervisor's overview calls this directly


def matter_out(m: Matter) -> wire.MatterInfo:
    return wire.MatterInfo(
        id=m.id, name=m.name, category=m.category, department=m.department, time_limit_days=m.time_limit_days,
        steps=m.steps, materials=m.materials, address=m.address, phone=m.phone, proxy_allowed=m.proxy_allowed,
        high_frequency=m.high_frequency, queue_id=m.queue_id, search_key=m.search_key,
        name_mn=m.name_mn or None)


@router.get("/catalog", response_model=wire.Catalog, responses=answers(401, 422, 503))
def catalog(q: str | None = Query(default=None, max_length=50), category: str | None = Query(default=None, max_length=20),
            who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The queues and matters; ``q`` matches characters of the name or pinyin initials."""
    with bb.db.read() as db:
        queues = db.scalars(select(Queue).where(Queue.hall_id == who.hall_id, Queue.retired_at.is_(None))
                            .order_by(Queue.id))
        query = select(Matter).where(Matter.hall_id == who.hall_id, Matter.retired_at.is_(None))
        if category:
            query = query.where(Matter.category == category)
        if q and q.strip():
            needle = q.strip()
            query = query.where(or_(Matter.name.contains(needle, autoescape=True),
                                    Matter.search_key.contains(needle.lower(), autoescape=True)))
        matters = db.scalars(query.order_by(Matter.high_frequency.desc(), Matter.id))
        return wire.Catalog(
            queues=[wire.QueueInfo(id=x.id, prefix=x.prefix, name=x.name, service_type=x.service_type)
                    for x in queues],
            matters=[matter_out(m) for m in matters])


@router.get("/queues/waiting", response_model=list[wire.QueueWaiting], responses=answers(401, 503))
def waiting_per_queue(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Per queue: how many wait and how long the longest has waited."""
    with bb.db.read() as db:
        today = local_day(utcnow())
        rows = db.execute(
            select(Queue.id, Queue.prefix, Queue.name, func.count(Ticket.id), func.min(Ticket.issued_at))
            .outerjoin(Ticket, (Ticket.queue_id == Queue.id) & (Ticket.status == "waiting") & (Ticket.day == today))
            .where(Queue.hall_id == who.hall_id).group_by(Queue.id, Queue.prefix, Queue.name).order_by(Queue.id)).all()
        now = utcnow()
        return [wire.QueueWaiting(queue_id=r[0], prefix=r[1], name=r[2], waiting=r[3],
                                  longest_wait_s=int((now - r[4]).total_seconds()) if r[4] else 0
                                  ).model_dump(mode="json")
                for r in rows]  # as dicts: the supervisor's overview calls this directly


@router.get("/windows/{window}/line", response_model=wire.WindowLine,
            responses=answers(401, 403, 404, 422, 503))
def window_line(window: Annotated[int, Path(ge=1, le=9999)], who: Caller = Depends(caller),
                bb: ServerState = Depends(server)):
    """The window's own line in call order, and the ticket it holds now."""
    require(who, "staff")
    if who.session_id is not None and _heartbeat_due(who.session_id, bb.settings.session_silent_s):
        with bb.db.write() as db:
            db.execute(update(HelperSession).where(HelperSession.id == who.session_id).values(heard_at=utcnow()))
    with bb.db.read() as db:
        win = db.scalar(select(Window).where(Window.hall_id == who.hall_id, Window.number == window))
        if win is None:
            raise ApiError(404, "not_found", f"本大厅没有 {window} 号窗口")
        queue_ids = [q.id for q in win.queues]
        eligible = or_(Ticket.target_window_id == win.id,
                       (Ticket.target_window_id.is_(None)) & Ticket.queue_id.in_(queue_ids))
        waiting = db.scalars(select(Ticket).where(
            Ticket.hall_id == who.hall_id, Ticket.status == "waiting", Ticket.day == local_day(utcnow()),
            eligible).order_by(Ticket.tier, Ticket.rank_at, Ticket.id)).all()
        held = db.scalar(select(Ticket).where(Ticket.window_id == win.id,
                                              Ticket.status.in_(("called", "serving"))).limit(1))
        now = utcnow()
        waiting = sorted(waiting, key=lambda t: t.rank_at > now)  # in the order call-next takes them now
        return wire.WindowLine(
            window=window, waiting=len(waiting),
            longest_wait_s=max((int((now - t.issued_at).total_seconds()) for t in waiting), default=0),
            next=[wire.LineEntry(id=t.id, number=t.number, priority_group=t.priority_group,
                                 transferred=t.tier == 0, waited_s=int((now - t.issued_at).total_seconds()),
                                 held_until=iso(t.rank_at) if t.rank_at > now else None)
                  for t in waiting[:10]],
            current=ticket_out(db, held, staff=True) if held else None)


@router.post("/devices/health", status_code=204, responses=answers(400, 401, 413, 422, 503))
def report_health(req: HealthReport, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """A terminal or bridge says whether its device works (printer, camera, rating pad)."""
    with bb.db.write() as db:
        row = db.get(DeviceHealth, (who.device.id, req.component))
        changed = row is None or row.ok != req.ok
        if row is None:
            row = DeviceHealth(device_id=who.device.id, component=req.component)
            db.add(row)
        row.ok, row.message, row.at = req.ok, req.message, utcnow()
        if changed:
            audit(db, who, "device.health", component=req.component, ok=req.ok, message=req.message)


@router.get("/devices/health", response_model=list[wire.DeviceHealthEntry], responses=answers(401, 403, 503))
def list_health(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        rows = db.execute(select(DeviceHealth, Device).join(Device, Device.id == DeviceHealth.device_id)
                          .where(Device.hall_id == who.hall_id)).all()
        return [wire.DeviceHealthEntry(device=r.Device.name, kind=r.Device.kind, window=r.Device.window_number,
                                       component=r.DeviceHealth.component, ok=r.DeviceHealth.ok,
                                       message=r.DeviceHealth.message, at=iso(r.DeviceHealth.at)
                                       ).model_dump(mode="json")
                for r in rows]  # as dicts: the supervisor's overview calls this directly
