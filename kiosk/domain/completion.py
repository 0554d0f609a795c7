"""按时办结率 (seed 002: 100 %) counts matters completed (办结), not tickets: a help service
that ends done at the window completed its matter there and then; a proxy case completed when
the case did, on time when by its deadline's day."""
from __future__ import annotations

from kiosk.domain.figures import share


def completion(at_window: int, cases_closed: int, cases_on_time: int, cases_open_late: int = 0) -> dict:
    """A case still open past its deadline counts as late: leaving it open does not hide it."""
    completed = at_window + cases_closed
    on_time = at_window + cases_on_time
    return {"completed": completed, "at_window": at_window, "cases": cases_closed, "on_time": on_time,
            "open_late": cases_open_late, "on_time_rate": share(on_time, completed + cases_open_late)}
