"""Supervisor web sessions: a random token in an HttpOnly cookie, only its hash in ``web_sessions``.

A session ends when signed out, after ``IDLE`` without a page the supervisor asked for
(the overview's own refreshes do not count), or ``ABSOLUTE`` after sign-in, whichever is first.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.auth import READER_ROLES, SUPERVISOR_ROLES, Caller, new_token, token_hash
from kiosk.server.deps import ServerState
from kiosk.server.models import Hall, Helper, WebSession
from kiosk.server.supervisor.web_caller import web_caller
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import utcnow

COOKIE = "bb_supervisor"
PATH = "/supervisor"
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=30)  # fewer writes: the idle clock need not be finer


@dataclass(frozen=True)
class Supervisor:
    """Who is looking at the page, and what their forms must carry back."""
    caller: Caller
    helper: Helper
    hall_name: str
    session_id: int
    csrf: str


def csrf_token(token: str) -> str:
    """Derived from the cookie's secret, so only a page we served to that browser knows it."""
    return hmac.new(token.encode(), b"bangban supervisor form", hashlib.sha256).hexdigest()


def csrf_ok(token: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(token).encode(), sent.encode())


def start(db: Session, helper: Helper, address: str) -> str:
    token, digest = new_token("bbw")
    now = utcnow()
    db.add(WebSession(token_hash=digest, helper_id=helper.id, started_at=now, last_seen_at=now,
                      expires_at=now + ABSOLUTE, address=address[:64]))
    return token


def set_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, path=PATH, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")


def _alive(row: WebSession, now) -> bool:
    return row.ended_at is None and now < row.expires_at and now - row.last_seen_at < IDLE


def find(db: Session, token: str, *, touch: bool) -> Supervisor | None:
    """The session of this token if it is alive and its helper may still supervise."""
    now = utcnow()
    found = db.execute(select(WebSession, Helper).join(Helper, Helper.id == WebSession.helper_id)
                       .where(WebSession.token_hash == token_hash(token))).first()
    if found is None:
        return None
    row, helper = found
    if not _alive(row, now) or helper.role not in READER_ROLES:
        if row.ended_at is None:
            row.ended_at = now
        return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    hall = db.get(Hall, helper.hall_id)
    return Supervisor(web_caller(helper), helper, hall.name, row.id, csrf_token(token))


def end(db: Session, token: str) -> None:
    row = db.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        audit(db, web_caller(db.get(Helper, row.helper_id)), "web.sign_out", session=row.id)


def _login_url(request: Request) -> str:
    """Back to the page after signing in; a form's address cannot be gone back to, so not there."""
    if request.method != "GET":
        return f"{PATH}/login"
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{PATH}/login?next={quote(target, safe='')}"


def current(request: Request, *, touch: bool = True) -> Supervisor | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    bb: ServerState = request.app.state.bb
    with (bb.db.write() if touch else bb.db.read()) as db:  # a read only notices an end, records none
        return find(db, token, touch=touch)


READER_PAGES = ("figures", "ledger")  # what a liaison may open
READER_HOME = f"{PATH}/figures"


def reader(request: Request) -> Supervisor:
    """A page's dependency for the figures and the ledger: a supervisor or a liaison."""
    who = current(request)
    if who is None:
        raise HTTPException(303, headers={"Location": _login_url(request)})
    return who


def supervisor(request: Request) -> Supervisor:
    """A page's dependency: the signed-in supervisor, or off to the sign-in page; a liaison is
    refused and sent to the pages they may read, which say why."""
    who = reader(request)
    if who.helper.role not in SUPERVISOR_ROLES:
        raise HTTPException(303, headers={"Location": f"{READER_HOME}?refused=1"})
    return who


def landing(who_role: str, next_url: str) -> str:
    """Where a sign-in goes: the page asked for, unless the role may not open it."""
    if who_role in SUPERVISOR_ROLES or next_url.removeprefix(f"{PATH}/").split("?")[0].split("/")[0] in READER_PAGES:
        return next_url
    return READER_HOME


def supervisor_quiet(request: Request) -> Supervisor:
    """For the overview's own refreshes: they keep no session alive and never redirect."""
    who = current(request, touch=False)
    if who is None:
        raise HTTPException(401)
    return who
