"""Bookings and home visits as the ledger's rows (台账) and as the day's figures: bookings per
day, the no-show rate, and the wait of booked citizens counted from their slot's start."""
from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import booking_rules as rules
from kiosk.server.models import Booking, HomeVisit, Matter, Ticket
from kiosk.domain.hall_setup import SERVICE_TYPE_NAMES
from kiosk.domain.identity import mask_phone
from kiosk.server.timeutil import iso, local_day, utc_bounds

BOOKING_COLUMNS = [("day", "预约日期"), ("start", "时段"), ("matter", "事项"), ("name", "预约人"),
                   ("phone", "联系电话"), ("service_type", "服务类型"), ("channel", "预约方式"), ("state", "状态"),
                   ("checked_in_at", "签到时间"), ("ticket", "号码"), ("late", "迟到转普通号")]
VISIT_COLUMNS = [("citizen", "服务对象"), ("phone", "联系电话"), ("address", "地址"), ("reason", "上门原因"),
                 ("matters", "事项"), ("proposed_at", "约定时间"), ("scheduled_at", "安排时间"), ("state", "状态"),
                 ("done_at", "办理时间"), ("report", "办理情况")]


def booking_rows(db: Session, hall_id: int, first: date, last: date, *, unmasked: bool) -> list[dict]:
    rows = db.execute(select(Booking, Matter.name, Ticket.number).join(Matter, Matter.id == Booking.matter_id)
                      .outerjoin(Ticket, Ticket.id == Booking.ticket_id)
                      .where(Booking.hall_id == hall_id, Booking.day >= first, Booking.day <= last)
                      .order_by(Booking.day, Booking.start, Booking.id))
    return [{"day": b.day.isoformat(), "start": b.start, "matter": matter, "name": b.name,
             "phone": b.phone if unmasked else mask_phone(b.phone), "service_type": SERVICE_TYPE_NAMES[b.service_type],
             "channel": rules.CHANNELS[b.channel], "state": rules.BOOKING_STATES[b.state],
             "checked_in_at": iso(b.checked_in_at) or "", "ticket": number or "", "late": "是" if b.late else ""}
            for b, matter, number in rows]


def visit_rows(db: Session, hall_id: int, first: date, last: date, *, unmasked: bool) -> list[dict]:
    low, high = utc_bounds(first, last)
    visits = db.scalars(select(HomeVisit).where(HomeVisit.hall_id == hall_id, HomeVisit.proposed_at >= low,
                                                HomeVisit.proposed_at < high).order_by(HomeVisit.proposed_at))
    names = dict(db.execute(select(Matter.id, Matter.name).where(Matter.hall_id == hall_id)).all())
    return [{"citizen": v.citizen, "phone": v.phone if unmasked else mask_phone(v.phone), "address": v.address,
             "reason": rules.VISIT_REASONS[v.reason], "matters": "、".join(names.get(m, "") for m in v.matter_ids),
             "proposed_at": iso(v.proposed_at), "scheduled_at": iso(v.scheduled_at) or "",
             "state": rules.VISIT_STATES[v.state], "done_at": iso(v.done_at) or "", "report": v.report}
            for v in visits]


def figures(db: Session, hall_id: int, first: date, last: date) -> list[dict]:
    rows = db.execute(select(Booking.day, Booking.state, Booking.late, Booking.slot_start, Ticket.called_at)
                      .outerjoin(Ticket, Ticket.id == Booking.ticket_id)
                      .where(Booking.hall_id == hall_id, Booking.day >= first, Booking.day <= last)).all()
    by_day: dict[date, list] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    low, high = utc_bounds(first, last)
    visits = db.execute(select(HomeVisit.proposed_at, HomeVisit.done_at, HomeVisit.state).where(
        HomeVisit.hall_id == hall_id, HomeVisit.proposed_at >= low, HomeVisit.proposed_at < high)).all()
    out, day = [], first
    while day <= last:
        today = by_day.get(day, [])
        visited = [v for v in visits if local_day(v.proposed_at) == day]
        waits = [max((r.called_at - r.slot_start).total_seconds(), 0) for r in today
                 if r.called_at is not None and not r.late]
        rate = rules.no_show_rate([r.state for r in today])
        out.append({"day": day.isoformat(), "bookings": len(today),
                    "cancelled": sum(1 for r in today if r.state == "cancelled"),
                    "no_shows": sum(1 for r in today if r.state == "no_show"),
                    "no_show_rate": None if rate is None else round(rate, 4),
                    "booked_wait_median_s": round(median(waits)) if waits else None,
                    "visits_requested": len(visited), "visits_done": sum(1 for v in visited if v.state == "done")})
        day += timedelta(days=1)
    return out
