"""The hall right now, as terminals and the supervisor's overview read it: the catalogue, each
queue's line, a window's own line, and the health of the devices."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError
from kiosk.server.models import Device, DeviceHealth, Matter, Queue, Ticket, Window
from kiosk.server.tickets import ticket_out
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire import answers as wire
from kiosk.wire.requests import HealthReport


def matter_out(m: Matter) -> wire.MatterInfo:
    return wire.MatterInfo(
        id=m.id, name=m.name, category=m.category, department=m.department, time_limit_days=m.time_limit_days,
        steps=m.steps, materials=m.materials, address=m.address, phone=m.phone, proxy_allowed=m.proxy_allowed,
        high_frequency=m.high_frequency, queue_id=m.queue_id, search_key=m.search_key,
        name_mn=m.name_mn or None)


def catalog(db, hall_id: int, q: str | None, category: str | None) -> wire.Catalog:
    """The queues and matters in use; ``q`` matches characters of the name or pinyin initials."""
    queues = db.scalars(select(Queue).where(Queue.hall_id == hall_id, Queue.retired_at.is_(None)).order_by(Queue.id))
    query = select(Matter).where(Matter.hall_id == hall_id, Matter.retired_at.is_(None))
    if category:
        query = query.where(Matter.category == category)
    if q and q.strip():
        needle = q.strip()
        query = query.where(or_(Matter.name.contains(needle, autoescape=True),
                                Matter.search_key.contains(needle.lower(), autoescape=True)))
    matters = db.scalars(query.order_by(Matter.high_frequency.desc(), Matter.id))
    return wire.Catalog(queues=[wire.QueueInfo(id=x.id, prefix=x.prefix, name=x.name, service_type=x.service_type)
                                for x in queues],
                        matters=[matter_out(m) for m in matters])


def queue_lines(db, hall_id: int) -> list[wire.QueueWaiting]:
    """Per queue: how many wait and how long the longest has waited."""
    today, now = local_day(utcnow()), utcnow()
    rows = db.execute(
        select(Queue.id, Queue.prefix, Queue.name, func.count(Ticket.id), func.min(Ticket.issued_at))
        .outerjoin(Ticket, (Ticket.queue_id == Queue.id) & (Ticket.status == "waiting") & (Ticket.day == today))
        .where(Queue.hall_id == hall_id).group_by(Queue.id, Queue.prefix, Queue.name).order_by(Queue.id)).all()
    return [wire.QueueWaiting(queue_id=r[0], prefix=r[1], name=r[2], waiting=r[3],
                              longest_wait_s=int((now - r[4]).total_seconds()) if r[4] else 0)
            for r in rows]


def window_line(db, hall_id: int, window: int) -> wire.WindowLine:
    """A window's own line in the order call-next takes them now, and the ticket it holds."""
    win = db.scalar(select(Window).where(Window.hall_id == hall_id, Window.number == window))
    if win is None:
        raise ApiError(404, "not_found", f"本大厅没有 {window} 号窗口")
    queue_ids = [q.id for q in win.queues]
    eligible = or_(Ticket.target_window_id == win.id,
                   (Ticket.target_window_id.is_(None)) & Ticket.queue_id.in_(queue_ids))
    waiting = db.scalars(select(Ticket).where(
        Ticket.hall_id == hall_id, Ticket.status == "waiting", Ticket.day == local_day(utcnow()),
        eligible).order_by(Ticket.tier, Ticket.rank_at, Ticket.id)).all()
    held = db.scalar(select(Ticket).where(Ticket.window_id == win.id,
                                          Ticket.status.in_(("called", "serving"))).limit(1))
    now = utcnow()
    waiting = sorted(waiting, key=lambda t: t.rank_at > now)  # in the order call-next takes them now
    return wire.WindowLine(
        window=window, waiting=len(waiting),
        longest_wait_s=max((int((now - t.issued_at).total_seconds()) for t in waiting), default=0),
        next=[wire.LineEntry(id=t.id, number=t.number, priority_group=t.priority_group,
                             transferred=t.tier == 0, waited_s=int((now - t.issued_at).total_seconds()),
                             held_until=iso(t.rank_at) if t.rank_at > now else None)
              for t in waiting[:10]],
        current=ticket_out(db, held, staff=True) if held else None)


def record_health(db, who: Caller, req: HealthReport) -> None:
    """A terminal or bridge says whether its device works; a change is audited."""
    row = db.get(DeviceHealth, (who.device.id, req.component))
    changed = row is None or row.ok != req.ok
    if row is None:
        row = DeviceHealth(device_id=who.device.id, component=req.component)
        db.add(row)
    row.ok, row.message, row.at = req.ok, req.message, utcnow()
    if changed:
        audit(db, who, "device.health", component=req.component, ok=req.ok, message=req.message)


def device_health(db, hall_id: int) -> list[wire.DeviceHealthEntry]:
    rows = db.execute(select(DeviceHealth, Device).join(Device, Device.id == DeviceHealth.device_id)
                      .where(Device.hall_id == hall_id)).all()
    return [wire.DeviceHealthEntry(device=r.Device.name, kind=r.Device.kind, window=r.Device.window_number,
                                   component=r.DeviceHealth.component, ok=r.DeviceHealth.ok,
                                   message=r.DeviceHealth.message, at=iso(r.DeviceHealth.at))
            for r in rows]
