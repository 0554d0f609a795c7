"""Whether each device works: reported by terminals and bridges, read by staff."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from kiosk.server import hall_now
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers
from kiosk.server.schemas import HealthReport
from kiosk.wire import answers as wire

router = APIRouter(prefix="/api/v1", tags=["hall"])


@router.post("/devices/health", status_code=204, responses=answers(400, 401, 413, 422, 503))
def report_health(req: HealthReport, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """A terminal or bridge says whether its device works (printer, camera, rating pad)."""
    with bb.db.write() as db:
        hall_now.record_health(db, who, req)


@router.get("/devices/health", response_model=list[wire.DeviceHealthEntry], responses=answers(401, 403, 503))
def list_health(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        return hall_now.device_health(db, who.hall_id)
