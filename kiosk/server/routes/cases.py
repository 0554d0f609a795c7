"""Proxy cases (代办件): open, step through, hand documents over, follow deadlines."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kiosk.server import cases as ops
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers, not_found
from kiosk.server.models import Case
from kiosk.server.schemas import CaseItemRequest, CaseRequest, CaseStepRequest
from kiosk.wire import records as wire

router = APIRouter(prefix="/api/v1", tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=2**62)]


def _sees_in_full(who: Caller, case: Case) -> bool:
    return who.is_supervisor or (who.helper is not None and who.helper.id == case.helper_id)


# a single case comes with its steps and items; a list without them
ONE_CASE = {"response_model": wire.Case, "response_model_exclude_unset": True}


@router.post("/cases", status_code=201, **ONE_CASE, responses=answers(400, 401, 403, 404, 413, 422, 503))
def open_case(req: CaseRequest, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        case = ops.open_case(db, who, req)
        out = ops.case_out(db, case, bb.calendar, full=True)
    return out


@router.post("/cases/{case_id}/steps", **ONE_CASE, responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def case_step(case_id: CaseId, req: CaseStepRequest, who: Caller = Depends(caller),
              bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        case = ops.take_step(db, who, case_id, req, bb.calendar)
        out = ops.case_out(db, case, bb.calendar, full=_sees_in_full(who, case))
    return out


@router.post("/cases/{case_id}/items", status_code=201, response_model=wire.CaseItem,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
def case_item(case_id: CaseId, req: CaseItemRequest, who: Caller = Depends(caller),
              bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        item = ops.add_item(db, who, case_id, req)
        return wire.CaseItem(id=item.id, direction=item.direction, name=item.name, copies=item.copies)


@router.get("/cases", response_model=list[wire.Case], response_model_exclude_unset=True,
            responses=answers(401, 403, 422, 503))
def list_cases(state: str | None = Query(default=None, pattern="^[a-z_]+$", max_length=20),
               due: str | None = Query(default=None, pattern="^(overdue|due_soon)$"),
               ticket_id: int | None = Query(default=None, ge=1, le=2**62),
               who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The hall's cases, newest first; ``due=overdue`` or ``due_soon`` for the deadline lists."""
    require(who, "staff")
    with bb.db.write() as db:
        ops.expire_suspensions(db, who.hall_id)
        cases = ops.list_cases(db, who.hall_id, bb.calendar, state=state, due=due, ticket_id=ticket_id)
        return [ops.case_out(db, c, bb.calendar, full=False) for c in cases]


@router.get("/cases/{case_id}", **ONE_CASE, responses=answers(401, 403, 404, 422, 503))
def get_case(case_id: CaseId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.write() as db:
        ops.expire_suspensions(db, who.hall_id)
        case = db.get(Case, case_id)
        if case is None or case.hall_id != who.hall_id:
            raise not_found("代办件")
        return ops.case_out(db, case, bb.calendar, full=_sees_in_full(who, case))
