"""The figures a hall is judged by."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query

from kiosk.server import figures
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers
from kiosk.wire.records import HallFigures, ServiceFigures
from kiosk.wire.vocabulary import Day

router = APIRouter(prefix="/api/v1", tags=["figures"])
@router.get("/figures", response_model=HallFigures, responses=answers(401, 403, 422, 503))
def hall_figures(first: Day | None = Query(default=None, alias="from"),
                 last: Day | None = Query(default=None, alias="to"),
                 who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The hall's summary: times, satisfaction, coverage, on-time completion, follow-ups, and
    seed 004's assessment where the records allow it."""
    require(who, "staff")
    first, last = figures.report_range(first, last)
    with bb.db.read() as db:
        return figures.hall_summary(db, who.hall_id, first, last)


@router.get("/figures/services", response_model=list[ServiceFigures], responses=answers(401, 403, 422, 503))
def service_figures(first: Day | None = Query(default=None, alias="from"),
                    last: Day | None = Query(default=None, alias="to"),
                    group: Literal["queue", "window", "helper"] | None = None,
                    period: Literal["day", "month", "quarter"] | None = None,
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Waiting and service times (mean, p90 in minutes), satisfaction and rating coverage,
    per queue, window or helper and per day, month or quarter."""
    require(who, "staff")
    first, last = figures.report_range(first, last)
    with bb.db.read() as db:
        return figures.service_figures(db, who.hall_id, first, last, group, period)
