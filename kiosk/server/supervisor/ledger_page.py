"""台账: the hall's services or cases, filtered and paged on screen, or exported whole as CSV or
XLSX. Rows come from ``kiosk.server.ledger``, the same code as the API's export."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from markupsafe import Markup
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server import ledger
from kiosk.server.models import Case, Helper, Matter, Queue, Service, Ticket
from kiosk.server.supervisor import forms, templates
from kiosk.server.supervisor.paging import Paging
from kiosk.server.supervisor.templates import Marked
from kiosk.server.audit_trail import audit

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
        query = query.limit(PAGE_SIZE).offset(Paging(lq.page, total, PAGE_SIZE).offset)
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
        return Marked(value, "log")
    return value


def render(who, lq: LedgerQuery, rows: list[dict], total: int, halls, queue_choices) -> Markup:
    shown = SERVICE_SHOWN if lq.kind == "services" else CASE_SHOWN
    titles = dict(columns(lq.kind))
    return templates.render(
        "ledger.html", who=who, lq=lq, halls=halls, queue_choices=queue_choices, kinds=KINDS,
        states=list(case_states.STATE_NAMES.items()), paging=Paging(lq.page, total, PAGE_SIZE),
        page_link=lambda page: f"/supervisor/ledger?{lq.params(page=page)}",
        headers=[titles[k] for k in shown], rows=[[_cell(k, r[k]) for k in shown] for r in rows],
        wrap=frozenset(i for i, k in enumerate(shown) if k in WRAPPED))
