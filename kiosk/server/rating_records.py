"""Recording a pad's press: the database side of one rating per service (一事一评).

Takes a Session or a ``db.Transaction``; runs the prebuilt statements of ``ticket_statements``.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy.orm import Session

from kiosk.domain.ratings import SCORE_NAMES, needs_follow_up
from kiosk.server import events, rollups
from kiosk.server import ticket_statements as sql
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.audit_trail import audit
from kiosk.server.tickets import CLOCK_SKEW
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire import events as wire_events
from kiosk.wire.answers import Rating


def rating_out(r) -> Rating:
    """``r``: an ORM Rating or a row of the ratings table."""
    return Rating.model_construct(id=r.id, service_id=r.service_id, window_id=r.window_id, score=r.score,
                                  score_name=SCORE_NAMES[r.score], pad_seq=r.pad_seq, rated_at=iso(r.rated_at))


MAX_DELIVERY_DELAY = timedelta(days=7)


def pressed_moment(req, refuse: bool = True) -> datetime | None:
    """When the key was pressed; a time the bridge gives that cannot be right is refused
    (or, with ``refuse=False``, None)."""
    now = utcnow()
    if req.pressed_at is None:
        return now
    moment = req.pressed_at.astimezone(timezone.utc).replace(tzinfo=None)
    if moment > now + CLOCK_SKEW or moment < now - MAX_DELIVERY_DELAY:
        if not refuse:
            return None
        raise ApiError(422, "bad_pressed_at", "按键时间不合理（评价器桥接程序的时钟可能有误）")
    return moment


def press_bounds(pressed: datetime, within_s: int) -> tuple[datetime, datetime]:
    """When a service a press rates may have finished."""
    return pressed - timedelta(seconds=within_s), pressed + CLOCK_SKEW


def nothing_to_rate(within_s: int) -> ApiError:
    """``within_s``: the server's rating_window_s, said as people say it."""
    span = f"{within_s // 60} 分钟" if within_s % 60 == 0 else f"{within_s} 秒"
    return ApiError(409, "nothing_to_rate", f"按键时本窗口近 {span}内没有办结的服务，无法评价")


def already_rated() -> ApiError:
    return ApiError(409, "already_rated", "这次服务已经评价过了，谢谢")


def record(db: Session, who: Caller, window: int, req, within_s: int) -> tuple[Rating, bool]:
    """The rating of the service the press rates: the one named, or the window's last finished
    one, either way finished at this window no more than ``within_s`` before the press.
    Returns it and whether it is new; a press the pad sent twice (same ``pad_seq``) is the
    rating it made the first time."""
    window_id = db.execute(sql.WINDOW_ID, {"hall_id": who.hall_id, "number": window}).scalar()
    if window_id is None:
        raise not_found("窗口")
    repeat = db.execute(sql.REPEATED_PRESS, {"window_id": window_id, "pad_seq": req.pad_seq}).first()
    if repeat is not None:
        return rating_out(repeat), False
    pressed = pressed_moment(req)
    since, until = press_bounds(pressed, within_s)
    bounds = {"window_id": window_id, "since": since, "until": until}
    if req.service_id is None:
        service = db.execute(sql.SERVICE_TO_RATE, bounds).first()
    else:
        service = db.execute(sql.NAMED_SERVICE_TO_RATE, {**bounds, "service_id": req.service_id}).first()
    if service is None:
        raise nothing_to_rate(within_s)
    if service.rating_id is not None:
        raise already_rated()
    rating = dict(hall_id=who.hall_id, service_id=service.id, window_id=window_id, helper_id=service.helper_id,
                  device_id=who.device.id, score=req.score, pad_seq=req.pad_seq, rated_at=utcnow())
    rating["id"] = db.execute(sql.INSERT_RATING, rating).scalar_one()
    rollups.changed(db, who.hall_id, service.called_at)  # a late rating changes a closed day's figures
    audit(db, who, "rating.record", service.ticket_id, score=req.score, pad_seq=req.pad_seq)
    events.record(db, who.hall_id, wire_events.RatingRecorded(
        window=window, service_id=service.id, number=service.number, score=req.score))
    if needs_follow_up(req.score):
        follow_up_id = db.execute(sql.INSERT_FOLLOW_UP, dict(
            hall_id=who.hall_id, rating_id=rating["id"], helper_id=service.helper_id, status="open",
            opened_at=utcnow(), closed_at=None, closed_by=None, note="")).scalar_one()
        events.record(db, who.hall_id, wire_events.FollowUpOpened(
            follow_up_id=follow_up_id, window=window, number=service.number, score=req.score))
    return rating_out(SimpleNamespace(**rating)), True
