"""The hall's staff as it posts them (公示): for the hall display (``GET /api/v1/staff/posted``,
any terminal of the hall) and on a public page anyone may open (``/public/halls/{code}/staff``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy import select

from kiosk.server import staff_register
from kiosk.server.auth import Caller
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.models import Hall
from kiosk.server.supervisor import templates
from kiosk.server.supervisor.layout import respond
from kiosk.domain.roles import role_name
from kiosk.wire.setup import StaffList

router = APIRouter(tags=["hall"])


@router.get("/api/v1/staff/posted", response_model=StaffList, responses=answers(401, 503))
def posted_staff(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The hall's active staff: name, role, post, unit, contact and business domains (seed 004)."""
    with bb.db.read() as db:
        return staff_register.posted(db, who.hall_id)


@router.get("/public/halls/{code}/staff", include_in_schema=False)
def public_staff(code: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_-]+$")],
                 bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        hall_id = db.scalar(select(Hall.id).where(Hall.code == code))
        if hall_id is None:
            raise ApiError(404, "not_found", "找不到该大厅")
        posted = staff_register.posted(db, hall_id)
    rows = [[s.name, role_name(s.role), s.post or "—", s.unit, s.phone or "—", "、".join(s.skills) or "—"]
            for s in posted.staff]
    return respond(templates.render("staff_public.html", posted=posted, rows=rows, title=f"{posted.hall}帮办代办人员公示"))
