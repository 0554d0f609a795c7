"""One rating per service, from the window's own pad; bad ratings open a follow-up (``kiosk.server.follow_ups``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool

from kiosk.server import case_ratings, follow_ups, pg_fast_paths as fast, rating_records
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.schemas import FollowUpClose, RatingRequest, answer
from kiosk.wire import answers as wire

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


@router.get("/follow-ups", response_model=list[wire.FollowUp], responses=answers(401, 403, 422, 503))
def list_follow_ups(status: str | None = Query(default=None, pattern="^(open|closed)$"),
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        return [follow_ups.follow_up_out(f, r) for f, r in follow_ups.listed(db, who.hall_id, status)]


@router.post("/follow-ups/{follow_up_id}/close", response_model=wire.FollowUp,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def close_follow_up(follow_up_id: Annotated[int, Path(ge=1, le=2**31 - 1)], req: FollowUpClose,
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        out = follow_ups.close(db, who, follow_up_id, req.note)
    return out
