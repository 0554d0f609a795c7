"""到期代办件: open proxy cases past their deadline or within two working days of it, the most
pressing first. Listing, lapsing suspensions and the case view are ``kiosk.server.cases``'."""
from __future__ import annotations

from markupsafe import Markup
from sqlalchemy.orm import Session

from kiosk.domain.working_days import Calendar
from kiosk.server import cases as ops
from kiosk.server.supervisor import templates
from kiosk.server.supervisor.templates import Marked
from kiosk.server.timeutil import local_day, utcnow

WRAPPED = frozenset({1, 2})  # the matter and the applicant
HEADERS = ["受理单编号", "事项", "申请人（单位）", "证件号码", "联系电话", "代办员", "状态", "办结时限", "剩余"]


def gather(db: Session, hall_id: int, calendar: Calendar) -> tuple[dict, int]:
    """{"overdue": [...], "due_soon": [...]} as the API's masked case views, and how many
    suspensions lapsed into terminations on the way."""
    lapsed = ops.expire_suspensions(db, hall_id)
    today = local_day(utcnow())
    out = {}
    for due in ("overdue", "due_soon"):
        found = sorted(ops.list_cases(db, hall_id, calendar, due=due), key=lambda c: (c.deadline, c.id))
        out[due] = [{**ops.case_out(db, c, calendar, full=False),
                     "left": calendar.working_days_between(today, c.deadline)} for c in found]
    return out, lapsed


def _left(days: int) -> Marked:
    if days < 0:
        return Marked(f"逾期 {-days} 个工作日", "late")
    if days == 0:
        return Marked("今天到期", "late")
    return Marked(f"还剩 {days} 个工作日", "soon")


def _rows(found: list[dict]) -> list[list]:
    return [[c["number"] or "（待受理）", c["matter"], c["applicant"], c["id_number"], c["phone"],
             c["helper"]["name"], c["state_name"], c["deadline"] or "—", _left(c["left"])] for c in found]


def render(who, data: dict, halls, hall_id: int, lapsed: int) -> Markup:
    return templates.render("cases.html", who=who, halls=halls, hall_id=hall_id, lapsed=lapsed, headers=HEADERS,
                            wrap=WRAPPED, overdue=_rows(data["overdue"]), due_soon=_rows(data["due_soon"]),
                            soon_days=ops.DUE_SOON_WORKING_DAYS, today=local_day(utcnow()).isoformat())
