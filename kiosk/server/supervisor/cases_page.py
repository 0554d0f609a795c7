"""到期代办件: open proxy cases past their deadline or within two working days of it, the most
pressing first. Listing, lapsing suspensions and the case view are ``kiosk.server.cases``'."""
from __future__ import annotations

from sqlalchemy.orm import Session

from kiosk.domain.working_days import Calendar
from kiosk.server import cases as ops
from kiosk.server.supervisor.layout import Html, hall_choice, table
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


def _left(days: int) -> Html:
    if days < 0:
        return Html(f'<span class="late">逾期 {-days} 个工作日</span>')
    if days == 0:
        return Html('<span class="late">今天到期</span>')
    return Html(f'<span class="soon">还剩 {days} 个工作日</span>')


def _rows(found: list[dict]) -> list[list]:
    return [[c["number"] or "（待受理）", c["matter"], c["applicant"], c["id_number"], c["phone"],
             c["helper"]["name"], c["state_name"], c["deadline"] or "—", _left(c["left"])] for c in found]


def render(data: dict, halls, hall_id: int, lapsed: int) -> Html:
    choose = ""
    if len(halls) > 1:
        choose = (f'<form class="filters" method="get" action="/supervisor/cases">{hall_choice(halls, hall_id)}'
                  f'<button type="submit">查看</button></form>')
    note = (f'<p class="notice info"><strong>提示：</strong>{lapsed} 件中止件超过续办期限，已按规定视为终止。</p>'
            if lapsed else "")
    return Html(
        f'{choose}{note}<p class="hint">时限按工作日计（节假日以服务器配置的日历为准）；'
        f'证件号码和电话已部分隐藏。今天：{local_day(utcnow()).isoformat()}</p>'
        f'<section><h2>已逾期 <span class="count">{len(data["overdue"])} 件</span></h2>'
        f'{table(HEADERS, _rows(data["overdue"]), empty="没有逾期的代办件", cls="compact", wrap=WRAPPED)}</section>'
        f'<section><h2>即将到期（{ops.DUE_SOON_WORKING_DAYS} 个工作日内）'
        f'<span class="count">{len(data["due_soon"])} 件</span></h2>'
        f'{table(HEADERS, _rows(data["due_soon"]), empty="没有即将到期的代办件", cls="compact", wrap=WRAPPED)}</section>')
