"""Supervision over the API: the complaint register, return visits, seed 004's assessment; and
at the window, the green channel and the missing-materials slip."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from kiosk.domain.working_days import HALL_YEARS
from kiosk.server import assessment_records, complaints, return_visits, window_aids
from kiosk.server.auth import Caller, require, visible_halls
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.figures import report_range
from kiosk.server.schemas import answer
from kiosk.wire import supervision as wire
from kiosk.wire.vocabulary import Day

router = APIRouter(prefix="/api/v1", tags=["supervision"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Year = Annotated[int, Path(ge=HALL_YEARS[0], le=HALL_YEARS[-1])]


def _supervisor(who: Caller) -> None:
    if not who.is_supervisor:
        raise ApiError(403, "forbidden", "只有协调员和首席帮办代办员可以进行该操作")


@router.post("/complaints", status_code=201, response_model=wire.Complaint, responses=answers(401, 403, 422, 503))
def register_complaint(req: wire.ComplaintNew, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Register a complaint or request from any channel; its deadline follows the hall's rule."""
    require(who, "staff")
    with bb.db.write() as db:
        row = complaints.register(db, who, req, bb.calendar)
        return answer(complaints.out(db, row), 201)


@router.get("/complaints", response_model=list[wire.Complaint], responses=answers(401, 403, 422, 503))
def list_complaints(status: Literal["open", "handled"] | None = None, who: Caller = Depends(caller),
                    bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        return [complaints.out(db, r) for r in complaints.listed(db, who.hall_id, status)]


@router.get("/complaints/figures", response_model=wire.ComplaintFigures, responses=answers(401, 403, 422, 503))
def complaint_figures(first: Day | None = Query(default=None, alias="from"),
                      last: Day | None = Query(default=None, alias="to"),
                      who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Handled on time (seed 002: 100 %) among those received in the range."""
    require(who, "staff")
    first, last = report_range(first, last)
    with bb.db.read() as db:
        return complaints.figures(db, who.hall_id, first, last)


@router.post("/complaints/{complaint_id}/handle", response_model=wire.Complaint,
             responses=answers(401, 403, 404, 409, 422, 503))
def handle_complaint(complaint_id: RowId, req: wire.ComplaintHandle, who: Caller = Depends(caller),
                     bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.write() as db:
        return complaints.out(db, complaints.handle(db, who, complaint_id, req))


@router.post("/return-visits/draw", response_model=wire.DrawResult, responses=answers(401, 403, 422, 503))
def draw_return_visits(req: wire.ReturnVisitDraw, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The period's random sample, seeded by the hall and the period: drawn again, the same."""
    _supervisor(who)
    report_range(req.first, req.last)
    with bb.db.write() as db:
        period, population, rows = return_visits.draw(db, who, req)
        return wire.DrawResult(period=period, population=population, drawn=[return_visits.out(db, r) for r in rows])


@router.get("/return-visits", response_model=list[wire.ReturnVisit], responses=answers(401, 403, 422, 503))
def list_return_visits(status: Literal["drawn", "done", "unreachable"] | None = None,
                       who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        return [return_visits.out(db, r) for r in return_visits.listed(db, who.hall_id, status)]


@router.post("/return-visits/{visit_id}/result", response_model=wire.ReturnVisit,
             responses=answers(401, 403, 404, 409, 422, 503))
def record_return_visit(visit_id: RowId, req: wire.ReturnVisitResult, who: Caller = Depends(caller),
                        bb: ServerState = Depends(server)):
    _supervisor(who)
    with bb.db.write() as db:
        return return_visits.out(db, return_visits.record(db, who, visit_id, req))


def _hall(db, who: Caller, hall_id: int | None) -> int:
    if hall_id is None:
        return who.hall_id
    if hall_id not in visible_halls(db, who):
        raise ApiError(403, "forbidden", "无权查看该大厅的考核")
    return hall_id


@router.get("/assessment/{year}", response_model=wire.HallAssessment, responses=answers(401, 403, 422, 503))
def hall_assessment(year: Year, hall: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                    who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Seed 004's table for a hall's year: the records' instances and the assessor's entries."""
    require(who, "staff")
    with bb.db.read() as db:
        return assessment_records.hall_year(db, _hall(db, who, hall), year)


@router.post("/assessment/halls/{hall_id}/entries", response_model=wire.HallAssessment,
             responses=answers(401, 403, 422, 503))
def enter_assessment(hall_id: RowId, req: wire.AssessmentEntryNew, who: Caller = Depends(caller),
                     bb: ServerState = Depends(server)):
    """The assessor's inspection of one item, with its evidence; entered again, replaced."""
    with bb.db.write() as db:
        assessment_records.save_entry(db, who, hall_id, req)
        return assessment_records.hall_year(db, hall_id, req.year)


@router.get("/assessment/{year}/ranking", response_model=list[wire.AnnualRow], responses=answers(401, 403, 422, 503))
def annual_ranking(year: Year, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The townships below the caller's hall: 60 % their own, 40 % their sampled villages'."""
    _supervisor(who)
    with bb.db.read() as db:
        return assessment_records.annual(db, who, year)


@router.post("/tickets/{ticket_id}/green-channel", response_model=wire.GreenChannelGranted,
             responses=answers(401, 403, 404, 409, 422, 503))
def green_channel(ticket_id: Annotated[int, Path(ge=1, le=2**62)], req: wire.GreenChannel,
                  who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """A coordinator puts a waiting ticket in the green channel (特事特办、急事急办)."""
    with bb.db.write() as db:
        return window_aids.grant_green_channel(db, who, ticket_id, req, bb.policy)


@router.post("/missing-materials", response_model=wire.MissingMaterialsSlip, responses=answers(401, 403, 404, 422, 503))
def missing_materials(req: wire.MissingMaterialsRequest, who: Caller = Depends(caller),
                      bb: ServerState = Depends(server)):
    """The written list of what is still missing, for the window's printer."""
    require(who, "staff")
    with bb.db.write() as db:
        return window_aids.missing_materials(db, who, req)
