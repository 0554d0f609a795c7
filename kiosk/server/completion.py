"""The matters completed at the window, for 按时办结率 (``kiosk.domain.completion``)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server.models import Case, Service
from kiosk.server.timeutil import utc_bounds


def at_window(db: Session, hall_id: int, first: date, last: date) -> int:
    """Services finished with the outcome 办结 (done) in first..last."""
    low, high = utc_bounds(first, last)
    return db.scalar(select(func.count()).select_from(Service).where(
        Service.hall_id == hall_id, Service.end_reason == "finished", Service.outcome == "done",
        Service.finished_at >= low, Service.finished_at < high)) or 0



def cases_open_late(db: Session, hall_id: int, first: date, last: date, today: date) -> int:
    """Cases still open whose deadline fell in first..last and is past: late, though not done."""
    return db.scalar(select(func.count()).select_from(Case).where(
        Case.hall_id == hall_id, Case.state.in_(case_states.OPEN), Case.deadline.is_not(None),
        Case.deadline >= first, Case.deadline <= last, Case.deadline < today)) or 0
