"""One rating per service, from the window's own pad; bad ratings open a follow-up."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.ratings import SCORE_NAMES, needs_follow_up
from kiosk.server import events, rollups
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import FollowUp, Rating, Ticket, Window
from kiosk.server.schemas import FollowUpClose, RatingRequest
from kiosk.server.tickets import CLOCK_SKEW, audit, service_to_rate
from kiosk.server.timeutil import iso, utcnow

router = APIRouter(prefix="/api/v1", tags=["ratings"])


MAX_DELIVERY_DELAY = timedelta(days=7)


def pressed_moment(req: RatingRequest) -> datetime:
    now = utcnow()
    if req.pressed_at is None:
        return now
    moment = req.pressed_at.astimezone(timezone.utc).replace(tzinfo=None)
    if moment > now + CLOCK_SKEW or moment < now - MAX_DELIVERY_DELAY:
        raise ApiError(422, "bad_pressed_at", "按键时间不合理（评价器桥接程序的时钟可能有误）")
    return moment


def rating_out(r: Rating) -> dict:
    return {"id": r.id, "service_id": r.service_id, "window_id": r.window_id, "score": r.score,
            "score_name": SCORE_NAMES[r.score], "pad_seq": r.pad_seq, "rated_at": iso(r.rated_at)}


@router.post("/windows/{window}/ratings", status_code=201)
def rate(window: Annotated[int, Path(ge=1, le=9999)], req: RatingRequest,
         who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "pad")
    if who.device.window_number != window:
        raise ApiError(403, "wrong_window", f"该评价器属于 {who.device.window_number} 号窗口，不能为 {window} 号窗口评价")
    with bb.db.write() as db:
        win = db.scalar(select(Window).where(Window.hall_id == who.hall_id, Window.number == window))
        if win is None:
            raise not_found("窗口")
        repeat = db.scalar(select(Rating).where(Rating.window_id == win.id, Rating.pad_seq == req.pad_seq))
        if repeat is not None:
            return JSONResponse(rating_out(repeat), status_code=200)
        service = service_to_rate(db, win, bb.settings.rating_window_s, pressed_moment(req), req.service_id)
        if service is None:
            raise ApiError(409, "nothing_to_rate", "按键时本窗口近 10 分钟内没有办结的服务，无法评价")
        if db.scalar(select(Rating.id).where(Rating.service_id == service.id)) is not None:
            raise ApiError(409, "already_rated", "这次服务已经评价过了，谢谢")
        rating = Rating(hall_id=who.hall_id, service_id=service.id, window_id=win.id,
                        helper_id=service.helper_id, device_id=who.device.id, score=req.score,
                        pad_seq=req.pad_seq, rated_at=utcnow())
        db.add(rating)
        db.flush()
        rollups.changed(db, who.hall_id, service.called_at)  # a late rating changes a closed day's figures
        audit(db, who, "rating.record", service.ticket_id, score=req.score, pad_seq=req.pad_seq)
        number = db.get(Ticket, service.ticket_id).number
        events.record(db, who.hall_id, "rating.recorded", {
            "window": window, "service_id": service.id, "number": number, "score": req.score})
        if needs_follow_up(req.score):
            follow = FollowUp(hall_id=who.hall_id, rating_id=rating.id, helper_id=service.helper_id,
                              status="open", opened_at=utcnow())
            db.add(follow)
            db.flush()
            events.record(db, who.hall_id, "followup.opened", {
                "follow_up_id": follow.id, "window": window, "number": number, "score": req.score})
        out = rating_out(rating)
    bb.hub.wake()
    bb.metrics.ratings.labels(str(who.hall_id), str(req.score)).inc()
    return out


def follow_up_out(f: FollowUp, r: Rating) -> dict:
    return {"id": f.id, "status": f.status, "opened_at": iso(f.opened_at), "closed_at": iso(f.closed_at),
            "note": f.note, "helper_id": f.helper_id, "rating": rating_out(r)}


def follow_ups(db: Session, hall_id: int, status: str | None = None) -> list[tuple[FollowUp, Rating]]:
    """A hall's follow-ups with the rating that opened each, oldest first."""
    query = select(FollowUp, Rating).join(Rating, Rating.id == FollowUp.rating_id).where(
        FollowUp.hall_id == hall_id)
    if status:
        query = query.where(FollowUp.status == status)
    return [(f, r) for f, r in db.execute(query.order_by(FollowUp.id))]


def close_follow_up_record(db: Session, who: Caller, follow_up_id: int, note: str) -> FollowUp:
    """Only a supervisor closes a follow-up of their own hall, once; the caller wakes the hub."""
    if not who.is_supervisor:
        raise ApiError(403, "forbidden", "差评回访整改须由协调员或首席帮办代办员关闭")
    follow = db.get(FollowUp, follow_up_id)
    if follow is None or follow.hall_id != who.hall_id:
        raise not_found("回访记录")
    if follow.status == "closed":
        raise ApiError(409, "already_closed", "该回访记录已经关闭")
    follow.status, follow.closed_at, follow.note = "closed", utcnow(), note
    follow.closed_by = who.helper.id if who.helper else None
    audit(db, who, "followup.close", follow_up_id=follow.id)
    events.record(db, who.hall_id, "followup.closed", {"follow_up_id": follow.id})
    return follow


@router.get("/follow-ups")
def list_follow_ups(status: str | None = Query(default=None, pattern="^(open|closed)$"),
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        return [follow_up_out(f, r) for f, r in follow_ups(db, who.hall_id, status)]


@router.post("/follow-ups/{follow_up_id}/close")
def close_follow_up(follow_up_id: Annotated[int, Path(ge=1, le=2**31 - 1)], req: FollowUpClose,
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        follow = close_follow_up_record(db, who, follow_up_id, req.note)
        out = follow_up_out(follow, db.get(Rating, follow.rating_id))
    bb.hub.wake()
    return out
