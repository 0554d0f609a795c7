"""A helper's session at a window terminal: sign-in and sign-out (``window_staffing``)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from kiosk.server import window_staffing
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers
from kiosk.server.schemas import SessionRequest
from kiosk.wire import answers as wire

router = APIRouter(prefix="/api/v1", tags=["hall"])


@router.post("/sessions", status_code=201, response_model=wire.SignedIn,
             responses=answers(400, 401, 403, 404, 413, 422, 429, 503))
def sign_in(req: SessionRequest, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "window")
    return window_staffing.sign_in(bb, who, req)


@router.delete("/sessions/current", status_code=204, responses=answers(401, 403, 503))
def sign_out(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "helper")
    window_staffing.sign_out(bb, who)
