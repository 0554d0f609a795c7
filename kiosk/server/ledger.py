"""The ledger (台账): every service and every case of a hall, as rows with Chinese headers,
for the screen, CSV or XLSX. ID and phone numbers are masked unless the viewer needs them."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from kiosk.domain import case_states
from kiosk.domain.hall_setup import SERVICE_TYPE_NAMES
from kiosk.domain.identity import mask_id
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.domain.ticket_states import OUTCOMES
from kiosk.server.models import Case, Helper, Matter, Queue, Rating, Service, Ticket, Window
from kiosk.server.spreadsheet_safety import csv_cell, keep_as_text
from kiosk.domain.identity import mask_phone
from kiosk.server.timeutil import iso, utc_bounds

SERVICE_COLUMNS = [("number", "号码"), ("queue", "队列"), ("matter", "事项"), ("service_type", "服务类型"),
                   ("window", "窗口"), ("helper", "帮办代办员"), ("phone", "联系电话"), ("issued_at", "取号时间"),
                   ("called_at", "叫号时间"), ("finished_at", "办结时间"), ("wait_min", "等候（分钟）"),
                   ("service_min", "办理（分钟）"), ("outcome", "办理结果"), ("rating", "评价"), ("log", "工作日志")]
CASE_COLUMNS = [("number", "受理单编号"), ("matter", "事项"), ("applicant", "申请人（单位）"),
                ("id_number", "证件号码"), ("phone", "联系电话"), ("helper", "代办员"), ("state", "状态"),
                ("entrusted_at", "委托时间"), ("accepted_at", "受理时间"), ("deadline", "办结时限"),
                ("closed_at", "办结（终止）时间"), ("reason", "中止或终止原因"), ("delivery", "送达方式")]
DELIVERY = {"electronic": "电子送达", "pickup": "现场领取", "ems": "免费邮寄"}


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 60, 1) if start and end else None


def service_query(hall_id: int, start: date, end: date) -> Select:
    """The services of days start..end; callers may narrow it (search, paging) before running it."""
    low, high = utc_bounds(start, end)
    rated = aliased(Rating)
    return (select(Service, Ticket, Queue.name, Matter.name, Window.number, Helper.name, rated.score)
            .join(Ticket, Ticket.id == Service.ticket_id).join(Queue, Queue.id == Service.queue_id)
            .outerjoin(Matter, Matter.id == Ticket.matter_id).join(Window, Window.id == Service.window_id)
            .join(Helper, Helper.id == Service.helper_id).outerjoin(rated, rated.service_id == Service.id)
            .where(Service.hall_id == hall_id, Service.called_at >= low, Service.called_at < high)
            .order_by(Service.id))


def service_row(row, *, unmasked: bool) -> dict:
    s, t, queue, matter, window, helper, score = row
    return {
        "number": t.number, "queue": queue, "matter": matter or "", "service_type": SERVICE_TYPE_NAMES[t.service_type],
        "window": window, "helper": helper, "phone": (t.phone if unmasked else mask_phone(t.phone)) or "",
        "issued_at": iso(t.issued_at), "called_at": iso(s.called_at), "finished_at": iso(s.finished_at) or "",
        "wait_min": _minutes(t.issued_at, s.called_at), "service_min": _minutes(s.called_at, s.finished_at),
        "outcome": OUTCOMES.get(s.outcome or "", {"no_show": "过号", "transferred": "转办"}.get(s.end_reason or "", "")),
        "rating": SCORE_NAMES.get(score, "未评价"), "log": s.log,
    }


def service_rows(db: Session, hall_id: int, start: date, end: date, *, unmasked: bool) -> list[dict]:
    return [service_row(r, unmasked=unmasked) for r in db.execute(service_query(hall_id, start, end))]


def case_query(hall_id: int, start: date, end: date) -> Select:
    """The cases entrusted on days start..end; callers may narrow it before running it."""
    low, high = utc_bounds(start, end)
    return (select(Case, Matter.name, Helper.name).join(Matter, Matter.id == Case.matter_id)
            .join(Helper, Helper.id == Case.helper_id)
            .where(Case.hall_id == hall_id, Case.entrusted_at >= low, Case.entrusted_at < high)
            .order_by(Case.id))


def case_row(row, *, unmasked: bool) -> dict:
    c, matter, helper = row
    return {
        "number": c.number or "（待受理）", "matter": matter, "applicant": c.applicant,
        "id_number": c.id_number if unmasked else mask_id(c.id_number),
        "phone": c.phone if unmasked else mask_phone(c.phone), "helper": helper,
        "state": case_states.STATE_NAMES[c.state], "entrusted_at": iso(c.entrusted_at),
        "accepted_at": iso(c.accepted_at) or "", "deadline": c.deadline.isoformat() if c.deadline else "",
        "closed_at": iso(c.closed_at) or "", "reason": case_states.REASONS.get(c.reason or "", ""),
        "delivery": DELIVERY[c.delivery],
    }


def case_rows(db: Session, hall_id: int, start: date, end: date, *, unmasked: bool) -> list[dict]:
    return [case_row(r, unmasked=unmasked) for r in db.execute(case_query(hall_id, start, end))]


def to_csv(rows: list[dict], columns: list[tuple[str, str]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in columns])
    for row in rows:
        writer.writerow(["" if row[key] is None else csv_cell(row[key]) for key, _ in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict], columns: list[tuple[str, str]], sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title for _, title in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[key] for key, _ in columns])
        for cell in ws[ws.max_row]:
            keep_as_text(cell)
    for index, (key, title) in enumerate(columns, start=1):
        widest = max([len(str(title)) * 2] + [len(str(r[key] or "")) for r in rows[:200]])
        ws.column_dimensions[ws.cell(1, index).column_letter].width = min(60, max(8, widest + 2))
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
