"""Home visits (上门服务) over the API: recorded by a helper, scheduled by a coordinator, seen by
the helpers assigned (of any hall), reported with the pages photographed at the visit."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import IntegrityError

from kiosk.server import home_visits as ops
from kiosk.server.auth import Caller, require
from kiosk.server.deps import IdemKey, ServerState, caller, request_key, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.stored_files import UPLOAD_BODY, check_body, removed_unless_recorded
from kiosk.server.schemas import answer
from kiosk.server.timeutil import utcnow
from kiosk.wire import bookings as wire

router = APIRouter(prefix="/api/v1", tags=["home visits"])
VisitId = Annotated[int, Path(ge=1, le=2**62)]
CHANGE = answers(400, 401, 403, 404, 409, 413, 422, 503)


def _out(db, visit, who: Caller) -> wire.Visit:
    return wire.Visit(**ops.visit_out(db, visit, utcnow(), staff=who.helper is not None or who.is_staff))


def _write(bb: ServerState, work):
    try:
        with bb.db.write() as db:
            return work(db)
    except IntegrityError:
        raise ApiError(409, "conflict", "请求冲突，请重试") from None


@router.post("/home-visits", status_code=201, response_model=wire.Visit,
             responses={200: {"model": wire.Visit, "description": "同一 Idempotency-Key 的重试"}, **CHANGE})
async def record_visit(req: wire.VisitRequest, idempotency_key: str | None = IdemKey,
                       who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "helper")
    key = request_key(idempotency_key, f"device:{who.device.id}:")

    def work(db):
        visit, replayed = ops.record(db, who, req, key, utcnow())
        return _out(db, visit, who), replayed
    out, replayed = await run_in_threadpool(_write, bb, work)
    return answer(out, 200 if replayed else 201)


@router.get("/home-visits", response_model=wire.VisitList, responses=answers(401, 403, 422, 503))
def list_visits(mine: bool = Query(default=False, description="only those the signed-in helper is assigned to"),
                open_only: bool = Query(default=False, alias="open"),
                who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        return wire.VisitList(visits=[_out(db, v, who) for v in ops.listing(db, who, mine=mine, open_only=open_only)])


@router.post("/home-visits/{visit_id}/schedule", response_model=wire.Visit, responses=CHANGE)
async def schedule_visit(visit_id: VisitId, req: wire.VisitSchedule, who: Caller = Depends(caller),
                         bb: ServerState = Depends(server)):
    require(who, "staff")
    return await run_in_threadpool(_write, bb, lambda db: _out(
        db, ops.schedule(db, who, ops.for_caller(db, who, visit_id, lock=True), req.helper_ids, req.scheduled_at),
        who))


@router.post("/home-visits/{visit_id}/report", response_model=wire.Visit, responses=CHANGE)
async def report_visit(visit_id: VisitId, req: wire.VisitReport, who: Caller = Depends(caller),
                       bb: ServerState = Depends(server)):
    require(who, "helper")
    return await run_in_threadpool(_write, bb, lambda db: _out(
        db, ops.report(db, who, ops.for_caller(db, who, visit_id, lock=True), req.report, req.case_id, utcnow()),
        who))


@router.post("/home-visits/{visit_id}/pages", status_code=201, response_model=wire.VisitPage,
             openapi_extra=UPLOAD_BODY, responses={200: {"model": wire.VisitPage, "description": "重试"},
                                                   **answers(400, 401, 403, 404, 409, 413, 415, 422, 503)})
async def add_page(visit_id: VisitId, request: Request, idempotency_key: str | None = IdemKey,
                   who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """A page photographed at the visit (any camera's JPEG or PNG, or a PDF), by an assigned helper."""
    require(who, "helper")
    data = await request.body()
    kind = check_body(request.headers.get("content-type", ""), data)
    key = request_key(idempotency_key)
    with removed_unless_recorded(bb.settings.data_dir) as write:
        page, status = await run_in_threadpool(
            _write, bb, lambda db: ops.add_page(db, who, visit_id, kind, data, key, write))
    return answer(wire.VisitPage(id=page.id, visit_id=page.visit_id, page=page.page, content_type=page.content_type,
                                 size=page.size), status)
