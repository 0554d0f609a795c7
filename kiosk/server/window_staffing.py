"""Who staffs each window: a helper's sign-in and sign-out at a window terminal, and the end of a
session whose terminal fell silent. Who staffs a window is public (公示): the display follows it."""
from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import or_, select, update

from kiosk.server import events
from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller, new_token, pin_matches
from kiosk.server.deps import ServerState
from kiosk.server.errors import ApiError
from kiosk.server.models import Area, Helper, HelperSession, Window
from kiosk.server.sign_in_limits import pin_tried, unknown_code_failed
from kiosk.server.staff_register import refuse_if_inactive
from kiosk.server.tickets import helper_public, window_number
from kiosk.server.timeutil import utcnow
from kiosk.wire import answers as wire
from kiosk.wire.events import WindowStaffed
from kiosk.wire.requests import SessionRequest

Staffing = dict[int, tuple[int, wire.HelperPublic, datetime | None]]


def staffing_event(db, hall_id: int, window_id: int, helper: Helper | None) -> None:
    events.record(db, hall_id, WindowStaffed(window=window_number(db, window_id), helper=helper_public(helper)))


def sign_in(bb: ServerState, who: Caller, req: SessionRequest) -> wire.SignedIn:
    """A helper's code and PIN at this window: wrong PINs lock the code for a while, a helper who
    left is refused, and a session the helper or the window had elsewhere ends."""
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
        if not pin_tried(helper, pin_ok, s.login_max_failures, s.login_lock_s, now):
            audit(db, who, "session.failed", helper_code=req.helper_code)
            failed = ApiError(401, "bad_credentials", "工号或密码不正确")
        else:
            failed = None
            refuse_if_inactive(helper)  # a helper who left: the register says so (staff_register)
            for old in db.scalars(select(HelperSession).where(
                    HelperSession.ended_at.is_(None),
                    or_(HelperSession.window_id == window.id, HelperSession.helper_id == helper.id))):
                old.ended_at = now
                if old.window_id != window.id:  # the helper left another window
                    staffing_event(db, who.hall_id, old.window_id, None)
            token, digest = new_token("bbs")
            db.add(HelperSession(token_hash=digest, helper_id=helper.id, device_id=who.device.id,
                                 window_id=window.id, started_at=now))
            audit(db, who, "session.start", helper_code=helper.code, window=window.number)
            staffing_event(db, who.hall_id, window.id, helper)
    bb.callers.clear()  # sessions this sign-in ended must stop working at once
    if failed:
        raise failed
    return wire.SignedIn(token=token, helper=helper_public(helper), window=req.window)


def sign_out(bb: ServerState, who: Caller) -> None:
    with bb.db.write() as db:
        session = db.get(HelperSession, who.session_id)
        session.ended_at = utcnow()
        audit(db, who, "session.end")
        staffing_event(db, who.hall_id, session.window_id, None)
    bb.callers.clear()


def _staffing(db, hall_id: int) -> Staffing:
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


def heard(bb: ServerState, who: Caller) -> None:
    """A terminal read its line: its session is alive, for every server process to see."""
    if who.session_id is not None and _heartbeat_due(who.session_id, bb.settings.session_silent_s):
        with bb.db.write() as db:
            db.execute(update(HelperSession).where(HelperSession.id == who.session_id).values(heard_at=utcnow()))


def _end_silent_sessions(bb: ServerState, who: Caller, staff: Staffing) -> None:
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
                staffing_event(db, who.hall_id, window_id, None)
            del staff[window_id]
    bb.callers.clear()  # the expired tokens must stop working at once


def windows(bb: ServerState, who: Caller) -> list[wire.WindowInfo]:
    """The hall's windows and who staffs each now (a silent terminal's helper no longer)."""
    with bb.db.read() as db:
        staff = _staffing(db, who.hall_id)
    _end_silent_sessions(bb, who, staff)
    with bb.db.read() as db:
        areas = {a.id: a.name for a in db.scalars(select(Area).where(Area.hall_id == who.hall_id))}
        found = db.scalars(select(Window).where(Window.hall_id == who.hall_id).order_by(Window.number))
        return [wire.WindowInfo(number=w.number, name=w.name, area=areas.get(w.area_id),
                                queue_ids=sorted(q.id for q in w.queues),
                                helper=staff[w.id][1] if w.id in staff else None)
                for w in found]
