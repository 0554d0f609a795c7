"""The hall's windows: who staffs them, a window's own line, and the hall's clock."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kiosk.server import hall_now, window_staffing
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire import answers as wire

router = APIRouter(prefix="/api/v1", tags=["hall"])


@router.get("/hall", response_model=wire.HallClock, responses=answers(401, 503))
def hall_clock(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The hall's clock, for a terminal whose machine may keep another (the display's clock)."""
    return wire.HallClock(timezone=bb.settings.timezone, now=iso(utcnow()))


@router.get("/windows", response_model=list[wire.WindowInfo], responses=answers(401, 503))
def list_windows(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    return window_staffing.windows(bb, who)


@router.get("/windows/{window}/line", response_model=wire.WindowLine,
            responses=answers(401, 403, 404, 422, 503))
def window_line(window: Annotated[int, Path(ge=1, le=9999)], who: Caller = Depends(caller),
                bb: ServerState = Depends(server)):
    """The window's own line in call order, and the ticket it holds now."""
    require(who, "staff")
    window_staffing.heard(bb, who)
    with bb.db.read() as db:
        return hall_now.window_line(db, who.hall_id, window)
