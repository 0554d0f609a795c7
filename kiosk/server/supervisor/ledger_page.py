"""台账: the hall's services or cases, filtered and paged on screen, or exported whole as CSV or
XLSX. Rows come from ``kiosk.server.ledger``, the same code as the API's export."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server import ledger
from kiosk.server.models import Case, Helper, Matter, Queue, Service, Ticket
from kiosk.server.supervisor import forms
from kiosk.server.supervisor.layout import Html, esc, hall_choice, join, table
from kiosk.server.tickets import audit

PAGE_SIZE = 50
KINDS = {"services": "服务台账", "cases": "代办台账"}
SERVICE_SHOWN = ["number", "queue", "matter", "window", "helper", "phone", "called_at", "wait_min",
                 "service_min", "outcome", "rating", "log"]
CASE_SHOWN = ["number", "matter", "applicant", "id_number", "phone", "helper", "state", "entrusted_at",
              "deadline", "closed_at", "reason"]
WRAPPED = {"matter", "applicant", "reason", "log"}
TIMES = {"issued_at", "called_at", "finished_at", "entrusted_at", "accepted_at", "closed_at"}


@dataclass(frozen=True)
class LedgerQuery:
    kind: str
    first: date
    last: date
    hall_id: int
    text: str = ""
    queue_id: int | None = None
    state: str | None = None
    full: bool = False
    page: int = 1

    def params(self, **changes) -> str:
        q = replace(self, **changes)
        out = {"kind": q.kind, "from": q.first.isoformat(), "to": q.last.isoformat(), "hall": q.hall_id,
               "q": q.text, "queue": q.queue_id or "", "state": q.state or "", "page": q.page}
        if q.full:
            out["full"] = "1"
        return urlencode({k: v for k, v in out.items() if v not in ("", None)})


def parse(params, halls: list[tuple[int, str]], own_hall: int) -> LedgerQuery:
    first, last = forms.date_range(params.get("from"), params.get("to"))
    kind = params.get("kind") if params.get("kind") in KINDS else "services"
    state = params.get("state") if params.get("state") in case_states.STATE_NAMES else None
    return LedgerQuery(kind=kind, first=first, last=last, hall_id=forms.chosen_hall(halls, params.get("hall"), own_hall),
                       text=(params.get("q") or "").strip()[:50], queue_id=forms.number(params.get("queue")),
                       state=state, full=params.get("full") == "1", page=max(1, forms.number(params.get("page")) or 1))


def _narrowed(lq: LedgerQuery) -> Select:
    if lq.kind == "services":
        query = ledger.service_query(lq.hall_id, lq.first, lq.last)
        if lq.queue_id:
            query = query.where(Service.queue_id == lq.queue_id)
        if lq.text:
            query = query.where(or_(*(column.contains(lq.text, autoescape=True) for column in (
                Ticket.number, Matter.name, Helper.name, Service.log))))
        return query
    query = ledger.case_query(lq.hall_id, lq.first, lq.last)
    if lq.state:
        query = query.where(Case.state == lq.state)
    if lq.text:
        query = query.where(or_(*(column.contains(lq.text, autoescape=True) for column in (
            Case.number, Case.applicant, Matter.name, Helper.name))))
    return query


def _row(lq: LedgerQuery, row) -> dict:
    if lq.kind == "services":
        return ledger.service_row(row, unmasked=lq.full)
    return ledger.case_row(row, unmasked=lq.full)


def read(db: Session, who, lq: LedgerQuery, *, paged: bool, format: str = "screen") -> tuple[list[dict], int]:
    """The rows asked for and how many match in all; every read is audited, as the API's are."""
    query = _narrowed(lq)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if paged:
        query = query.limit(PAGE_SIZE).offset((lq.page - 1) * PAGE_SIZE)
    rows = [_row(lq, r) for r in db.execute(query)]
    audit(db, who.caller, "ledger.read", kind=lq.kind, first=lq.first.isoformat(), last=lq.last.isoformat(),
          format=format, unmasked=lq.full, rows=len(rows), hall=lq.hall_id, via="web")
    return rows, total


def columns(kind: str) -> list[tuple[str, str]]:
    return ledger.SERVICE_COLUMNS if kind == "services" else ledger.CASE_COLUMNS


def queues(db: Session, hall_id: int) -> list[tuple[int, str]]:
    return [(q.id, f"{q.prefix} {q.name}") for q in db.scalars(select(Queue).where(Queue.hall_id == hall_id)
                                                                .order_by(Queue.prefix))]


def _cell(key: str, value):
    if value in (None, ""):
        return "—"
    if key in TIMES:
        return value[5:16].replace("T", "\u00a0")  # 11-23 10:15, kept on one line; the year is in the form
    if key == "log":
        return Html(f'<span class="log">{esc(value)}</span>')
    return value


def _options(choices: list[tuple], chosen, blank: str) -> Html:
    return Html(f'<option value="">{esc(blank)}</option>' + join(
        Html(f'<option value="{esc(k)}"{" selected" if k == chosen else ""}>{esc(v)}</option>') for k, v in choices))


def _form(lq: LedgerQuery, halls, queue_choices) -> Html:
    kinds = join(Html(f'<label class="choice"><input type="radio" name="kind" value="{k}"'
                      f'{" checked" if k == lq.kind else ""}>{v}</label>') for k, v in KINDS.items())
    narrow = (f'<label>队列<select name="queue">{_options(queue_choices, lq.queue_id, "全部队列")}</select></label>'
              if lq.kind == "services" else
              f'<label>状态<select name="state">'
              f'{_options(list(case_states.STATE_NAMES.items()), lq.state, "全部状态")}</select></label>')
    return Html(
        f'<form class="filters" method="get" action="/supervisor/ledger"><fieldset><legend>台账</legend>{kinds}'
        f'</fieldset>{hall_choice(halls, lq.hall_id)}'
        f'<label>开始日期<input type="date" name="from" value="{lq.first.isoformat()}" required></label>'
        f'<label>结束日期<input type="date" name="to" value="{lq.last.isoformat()}" required></label>{narrow}'
        f'<label>查找<input type="search" name="q" value="{esc(lq.text)}" maxlength="50" '
        f'placeholder="号码、事项、人员或申请人"></label>'
        f'<label class="choice wide"><input type="checkbox" name="full" value="1"{" checked" if lq.full else ""}>'
        f'显示完整证件号码和电话（每次查看都记入审计日志）</label>'
        f'<button type="submit">查询</button></form>')


def render(lq: LedgerQuery, rows: list[dict], total: int, halls, queue_choices) -> Html:
    shown = SERVICE_SHOWN if lq.kind == "services" else CASE_SHOWN
    titles = dict(columns(lq.kind))
    pages = max(1, -(-total // PAGE_SIZE))
    grid = table([titles[k] for k in shown], [[_cell(k, r[k]) for k in shown] for r in rows],
                 empty="所选条件下没有记录", cls="ledger compact",
                 wrap=frozenset(i for i, k in enumerate(shown) if k in WRAPPED))
    nav = []
    if lq.page > 1:
        nav.append(f'<a class="button" href="/supervisor/ledger?{esc(lq.params(page=lq.page - 1))}">上一页</a>')
    nav.append(f'<span>第 {lq.page} / {pages} 页，共 {total} 条</span>')
    if lq.page < pages:
        nav.append(f'<a class="button" href="/supervisor/ledger?{esc(lq.params(page=lq.page + 1))}">下一页</a>')
    exports = (f'<a class="button" href="/supervisor/ledger/export?{esc(lq.params(page=1))}&amp;format=csv" '
               f'download>导出 CSV</a><a class="button" href="/supervisor/ledger/export?'
               f'{esc(lq.params(page=1))}&amp;format=xlsx" download>导出 Excel（XLSX）</a>')
    masked = "" if lq.full else '<p class="hint">证件号码和电话已部分隐藏；导出文件与屏幕一致。</p>'
    below = f'<div class="pager">{"".join(nav)}</div>' if total > PAGE_SIZE else ""
    return Html(f'{_form(lq, halls, queue_choices)}<div class="pager">{"".join(nav)}'
                f'<span class="exports">{exports}</span></div>{masked}{grid}{below}')
