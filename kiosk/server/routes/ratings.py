"""One rating per service, from the window's own pad; bad ratings open a follow-up."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server import case_ratings, events, pg_fast_paths as fast, rating_records
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers, not_found
from kiosk.server.models import FollowUp, Rating
from kiosk.server.rating_records import rating_out
from kiosk.server.schemas import FollowUpClose, RatingRequest, answer
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire import answers as wire
from kiosk.wire.events import FollowUpClosed

router = APIRouter(prefix="/api/v1", tags=["ratings"])


@router.post("/windows/{window}/ratings", status_code=201, response_model=wire.Rating,
             responses={200: {"model": wire.Rating, "description": "同一 pad_seq 的重发：第一次的评价"},
                        **answers(400, 401, 403, 404, 409, 413, 422, 503)})
async def rate(window: Annotated[int, Path(ge=1, le=9999)], req: RatingRequest,
               who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "pad")
    if who.device.window_number != window:
        raise ApiError(403, "wrong_window", f"该评价器属于 {who.device.window_number} 号窗口，不能为 {window} 号窗口评价")
    within_s = bb.settings.rating_window_s
    done = None
    if await case_ratings.pad_invited(bb.db, who.hall_id, window, req, within_s):
        done = await run_in_threadpool(_rate_case, bb, who, window, req, within_s)  # a case completed here
    if done is None and bb.db.is_postgres:
        done = await fast.rate(bb.db, who, window, req, within_s)
    out, new = done or await bb.db.run(lambda tx: rating_records.record(tx, who, window, req, within_s))
    if not new:
        return answer(out, 200)
    bb.metrics.ratings.labels(str(who.hall_id), str(req.score)).inc()
    return answer(out, 201)


def _rate_case(bb: ServerState, who: Caller, window: int, req, within_s: int) -> tuple[wire.Rating, bool] | None:
    with bb.db.write() as db:
        return case_ratings.from_pad(db, who, window, req, within_s)


def follow_up_out(f: FollowUp, r: Rating | None) -> wire.FollowUp:
    """``r`` is None for a follow-up a case's rating opened (``case_rating_id``)."""
    return wire.FollowUp(id=f.id, status=f.status, opened_at=iso(f.opened_at), closed_at=iso(f.closed_at),
                         note=f.note, helper_id=f.helper_id, rating=rating_out(r) if r else None,
                         case_rating_id=f.case_rating_id)


def follow_ups(db: Session, hall_id: int, status: str | None = None) -> list[tuple[FollowUp, Rating | None]]:
    """A hall's follow-ups with the service rating that opened each (None: a case's), oldest first."""
    query = select(FollowUp, Rating).outerjoin(Rating, Rating.id == FollowUp.rating_id).where(
        FollowUp.hall_id == hall_id)
    if status:
        query = query.where(FollowUp.status == status)
    return [(f, r) for f, r in db.execute(query.order_by(FollowUp.id))]


def close_follow_up_record(db: Session, who: Caller, follow_up_id: int, note: str) -> FollowUp:
    """Only a supervisor closes a follow-up of their own hall, once."""
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
    events.record(db, who.hall_id, FollowUpClosed(follow_up_id=follow.id))
    return follow


@router.get("/follow-ups", response_model=list[wire.FollowUp], responses=answers(401, 403, 422, 503))
def list_follow_ups(status: str | None = Query(default=None, pattern="^(open|closed)$"),
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        return [follow_up_out(f, r) for f, r in follow_ups(db, who.hall_id, status)]


@router.post("/follow-ups/{follow_up_id}/close", response_model=wire.FollowUp,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def close_follow_up(follow_up_id: Annotated[int, Path(ge=1, le=2**31 - 1)], req: FollowUpClose,
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        follow = close_follow_up_record(db, who, follow_up_id, req.note)
        out = follow_up_out(follow, db.get(Rating, follow.rating_id) if follow.rating_id else None)
    return out
