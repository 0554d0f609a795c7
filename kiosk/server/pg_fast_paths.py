"""Issue, call-next, finish and rate on PostgreSQL: one database function call each.

The rules are the Python of ``tickets`` and ``rating_records``, which SQLite runs and which
PostgreSQL runs too for everything these refuse. ``pg_functions.sql`` does their common case
in the database, one round trip instead of ten statements answered one by one: on a 2-core
hall server, the round trips (and psycopg's work for each) were most of a request's time.
Each function here returns what the Python path returns, or None when the database refused
the case as unusual ("fallback"), for the route to run the Python path.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from kiosk.domain import queue_policy
from kiosk.domain.ratings import needs_follow_up
from kiosk.server import rating_records, tickets
from kiosk.server.auth import Caller
from kiosk.server.db import Database
from kiosk.server.errors import not_found
from kiosk.server.timeutil import iso, local_day, utc_bounds, utcnow
from kiosk.wire.answers import Rating, Ticket

log = logging.getLogger("bangban.server")


class _Fallback(Exception):
    """The function left the case to the Python path."""


def _refusal(exc: DBAPIError, errors: dict):
    """A function's refusal as the API's answer; any other database error as it was."""
    diag = getattr(exc.orig, "diag", None)
    code = diag.message_primary if diag is not None and diag.sqlstate == "P0001" else None
    if code == "fallback":
        return _Fallback()
    if code in errors:
        return errors[code](diag.message_detail)
    return exc


async def _call(database: Database, query: str, params: tuple, errors: dict) -> list:
    try:
        return await database.call(query, params)
    except DBAPIError as exc:
        raise _refusal(exc, errors) from exc


def _today_starts(now: datetime) -> datetime:
    return utc_bounds(local_day(now), local_day(now))[0]


_ISSUE = "SELECT * FROM bangban_issue(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_ISSUE_ERRORS = {"matter_not_found": lambda _: not_found("事项"), "queue_not_found": lambda _: not_found("队列"),
                 "matter_retired": lambda _: tickets.retired("事项"), "queue_retired": lambda _: tickets.retired("队列"),
                 "proxy_not_offered": tickets.proxy_not_offered}


async def issue(database: Database, who: Caller, req, key: str | None,
                policy: queue_policy.Policy) -> tuple[Ticket, bool] | None:
    """``tickets.issue``; None for a retry (the Python path answers with the first try's ticket)."""
    now = utcnow()
    call_key = queue_policy.call_key(now, req.priority_group, None, policy)
    public_token = tickets.new_public_token()
    (row,) = await _call(database, _ISSUE, (
        who.hall_id, who.device.id, key, req.matter_id, req.queue_id, req.service_type, req.priority_group,
        req.phone, call_key.tier, call_key.rank_at, now, local_day(now), public_token), _ISSUE_ERRORS)
    if row.replayed:
        return None
    wait = await _wait_fields(database, row.queue_id, row.ahead)
    return tickets.issued_ticket(row.id, row.number, row.queue_id, req, public_token, iso(now), row.ahead,
                                 wait), False


_refreshing: dict[tuple[str, int], asyncio.Task] = {}  # by database and queue


async def _wait_fields(database: Database, queue_id: int, ahead: int) -> dict:
    """From the queue's recent services and staffed windows as last read: a basis older than
    its 2 s is read again beside the request, not in its way."""
    estimate, fresh = tickets.cached_wait_fields(database.engine, queue_id, ahead)
    if estimate is None:  # the queue's first ticket since the server started
        return await database.read_on_loop(lambda db: tickets.wait_fields(db, queue_id, ahead))
    key = (str(database.engine.url), queue_id)
    if not fresh and key not in _refreshing:
        _refreshing[key] = asyncio.create_task(_refresh_basis(database, queue_id))
        _refreshing[key].add_done_callback(lambda _: _refreshing.pop(key, None))
    return estimate


async def _refresh_basis(database: Database, queue_id: int) -> None:
    try:
        await database.read_on_loop(lambda db: tickets.read_service_basis(db, queue_id))
    except Exception:  # the database away: the next ticket tries again; this one's estimate stands
        log.warning("waiting-time basis of queue %s not read", queue_id, exc_info=True)


_CALL_NEXT = "SELECT * FROM bangban_call_next(%s, %s, %s, %s, %s, %s, %s, %s)"


async def call_next(database: Database, who: Caller, window_number: int):
    """``tickets.call_next``: the ticket now called at the caller's window, or None."""
    window = tickets.helper_window(who, window_number)
    now = utcnow()
    rows = await _call(database, _CALL_NEXT, (
        who.hall_id, window.id, window.number, window.name, who.helper.id, who.device.id, now, local_day(now)),
        {"window_busy": tickets.window_busy})
    return rows[0] if rows else None


_FINISH = "SELECT * FROM bangban_finish(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_HELD_ERRORS = {"ticket_not_found": lambda _: not_found("号码"), "not_held": tickets.not_held}


async def finish(database: Database, who: Caller, ticket_id: int, req):
    """``tickets.finish``: the ticket as finishing left it; None to leave it to the Python path."""
    tickets.check_serving_helper(who)
    now = utcnow()
    try:
        (row,) = await _call(database, _FINISH, (
            who.hall_id, ticket_id, who.window.id, who.window.number, who.helper.id, who.helper.code,
            who.helper.name, who.device.id, req.outcome, req.log, now, _today_starts(now)), _HELD_ERRORS)
    except _Fallback:
        return None
    return row


_RATE = "SELECT * FROM bangban_rate(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def _rate_errors(within_s: int) -> dict:
    return {"window_not_found": lambda _: not_found("窗口"),
            "nothing_to_rate": lambda _: rating_records.nothing_to_rate(within_s),
            "already_rated": lambda _: rating_records.already_rated()}


async def rate(database: Database, who: Caller, window: int, req, within_s: int) -> tuple[Rating, bool] | None:
    """``rating_records.record``; None to leave the press to the Python path (a press whose
    time is implausible, or one that rates a service of an earlier day)."""
    pressed = rating_records.pressed_moment(req, refuse=False)
    if pressed is None:
        return None
    since, until = rating_records.press_bounds(pressed, within_s)
    now = utcnow()
    try:
        (row,) = await _call(database, _RATE, (
            who.hall_id, window, who.device.id, req.pad_seq, req.score, req.service_id, since, until,
            needs_follow_up(req.score), now, _today_starts(now)), _rate_errors(within_s))
    except _Fallback:
        return None
    return rating_records.rating_out(row), row.created
