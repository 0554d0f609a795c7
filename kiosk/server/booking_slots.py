"""Booking capacity: the hall's time bands, the slots they offer, and taking a place in one.

A place is taken by raising the slot's count only while it is below the band's capacity, in
one UPDATE: on PostgreSQL a second booking at the same instant waits for the first's row lock
and then sees the raised count; SQLite lets one writer in at a time. Either way the last
place goes once.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.domain import booking_rules as rules
from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import BookingBand, BookingSlotCount, Matter, Queue
from kiosk.server.timeutil import local_day, utc_bounds, utcnow

C = BookingSlotCount.__table__.c
MAX_DAYS = 31  # how far ahead a slot list reaches


def clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def rule_band(band: BookingBand) -> rules.Band:
    return rules.Band(frozenset(int(d) for d in band.weekdays), clock(band.start), clock(band.end),
                      band.slot_minutes, band.capacity)


def moment(day: date, at: time) -> datetime:
    """The hall's wall-clock ``at`` on ``day`` as naive UTC (the hall's zone keeps one offset a
    day: China has no summer time)."""
    return utc_bounds(day, day)[0] + timedelta(hours=at.hour, minutes=at.minute)


def band_out(band: BookingBand) -> dict:
    return dict(id=band.id, queue_id=band.queue_id, matter_id=band.matter_id, kind=band.kind,
                kind_name=rules.BAND_KINDS[band.kind], weekdays=band.weekdays, start=band.start, end=band.end,
                slot_minutes=band.slot_minutes, capacity=band.capacity, active=band.active)


BAND_FIELDS = ("queue_id", "matter_id", "kind", "weekdays", "start", "end", "slot_minutes", "capacity", "active")


def save_band(db: Session, who: Caller, req, band_id: int | None = None) -> BookingBand:
    """A new band, or a change to one, audited with what changed. The band is locked while it
    changes: a booking of it at the same instant is waited for (``take``), so the places booked
    are all counted; a change that would leave a booking to come without its place is refused."""
    queue = db.get(Queue, req.queue_id)
    if queue is None or queue.hall_id != who.hall_id:
        raise not_found("队列")
    if req.matter_id is not None:
        matter = db.get(Matter, req.matter_id)
        if matter is None or matter.queue_id != req.queue_id:
            raise ApiError(422, "matter_not_in_queue", "该事项不属于所选队列")
    if clock(req.end) <= clock(req.start):
        raise ApiError(422, "band_times", "时段的结束时间应晚于开始时间")
    if band_id is None:
        band, before = BookingBand(hall_id=who.hall_id), {}
        db.add(band)
    else:
        band = db.scalar(select(BookingBand).where(BookingBand.id == band_id).with_for_update())
        if band is None or band.hall_id != who.hall_id:
            raise not_found("预约时段")
        before = {name: getattr(band, name) for name in BAND_FIELDS}
    for name in BAND_FIELDS:
        setattr(band, name, getattr(req, name))
    band.weekdays = "".join(sorted(set(req.weekdays)))
    if band_id is not None:
        _keeps_its_bookings(db, band, before)
    db.flush()
    changed = {name: [before.get(name), getattr(band, name)] for name in BAND_FIELDS
               if before.get(name) != getattr(band, name)}
    audit(db, who, "booking_band.save", band_id=band.id, changed=changed)
    return band


def _keeps_its_bookings(db: Session, band: BookingBand, before: dict) -> None:
    """Each slot still to come that has bookings stays a slot of the band, with room for them."""
    now = utcnow()
    booked = [r for r in db.execute(select(C.day, C.start, C.taken).where(
        C.band_id == band.id, C.day >= local_day(now), C.taken > 0).order_by(C.day, C.start))
        if moment(r.day, clock(r.start)) > now]
    if not booked:
        return
    if (band.queue_id, band.matter_id) != (before["queue_id"], before["matter_id"]):
        raise ApiError(409, "band_has_bookings", "该预约时段已有预约，不能改到其他队列或事项；可以停用它，另设新的时段")
    shape = rule_band(band)
    for row in booked:
        when = f"{rules.day_words(row.day)} {row.start}"
        if not rules.is_slot(shape, row.day, clock(row.start)):
            raise ApiError(409, "band_has_bookings",
                           f"{when} 已有 {row.taken} 个预约，修改后该时段将不再开放。请先为群众改约或取消这些预约，"
                           "或只修改名额和启用状态")
    fullest = max(booked, key=lambda r: r.taken)
    if band.capacity < fullest.taken:
        raise ApiError(409, "capacity_below_booked",
                       f"{rules.day_words(fullest.day)} {fullest.start} 已有 {fullest.taken} 个预约，"
                       f"每段名额不能少于 {fullest.taken}。如需减少，请先为群众改约或取消预约")


def bands_for(db: Session, matter: Matter) -> list[BookingBand]:
    """The bands a matter is booked in: its own if the hall set any, else its queue's."""
    active = select(BookingBand).where(BookingBand.hall_id == matter.hall_id, BookingBand.active.is_(True),
                                       BookingBand.queue_id == matter.queue_id)
    own = db.scalars(active.where(BookingBand.matter_id == matter.id).order_by(BookingBand.id)).all()
    return own or db.scalars(active.where(BookingBand.matter_id.is_(None)).order_by(BookingBand.id)).all()


def slots(db: Session, matter: Matter, first: date, days: int, now: datetime) -> list[dict]:
    """The bookable slots of ``days`` days from ``first``, with their free places."""
    bands = bands_for(db, matter)
    if not bands:
        return []
    last = first + timedelta(days=min(days, MAX_DAYS) - 1)
    taken = {(r.band_id, r.day, r.start): r.taken for r in db.execute(
        select(C.band_id, C.day, C.start, C.taken).where(C.band_id.in_([b.id for b in bands]),
                                                         C.day >= first, C.day <= last))}
    out, day = [], first
    while day <= last:
        for band in bands:
            shape = rule_band(band)
            for start in rules.slot_starts(shape, day):
                if not rules.may_book(moment(day, start), now):
                    continue
                used = taken.get((band.id, day, start.strftime("%H:%M")), 0)
                end = (datetime.combine(day, start) + timedelta(minutes=band.slot_minutes)).time()
                out.append(dict(band_id=band.id, day=day.isoformat(), start=start.strftime("%H:%M"),
                                end=end.strftime("%H:%M"), kind=band.kind, kind_name=rules.BAND_KINDS[band.kind],
                                capacity=band.capacity, taken=min(used, band.capacity),
                                free=max(band.capacity - used, 0)))
        day += timedelta(days=1)
    return sorted(out, key=lambda s: (s["day"], s["start"], s["band_id"]))


def find_slot(db: Session, matter: Matter, day: date, start: str, now: datetime) -> BookingBand:
    """The band whose slot ``day`` ``start`` is, if it is bookable now; refused in Chinese if not."""
    for band in bands_for(db, matter):
        if rules.is_slot(rule_band(band), day, clock(start)):
            if not rules.may_book(moment(day, clock(start)), now):
                raise ApiError(409, "too_late", rules.SLOT_STARTED)
            return band
    raise ApiError(409, "not_a_slot", rules.NOT_A_SLOT)


_CAPACITY_NOW = (select(BookingBand.capacity).where(BookingBand.id == bindparam("band_id"))
                 .with_for_update(read=True, key_share=True))


def take(db: Session, band: BookingBand, day: date, start: str) -> None:
    """One place in the slot, or 409 ``slot_full``. The band's capacity is read under a lock a
    change of the band waits for (and that waits for a change under way), so a booking and a
    smaller capacity at the same instant never leave more bookings than places."""
    capacity = db.execute(_CAPACITY_NOW, {"band_id": band.id}).scalar_one()
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    db.execute(dialect.insert(BookingSlotCount.__table__)
               .values(band_id=band.id, day=day, start=start, taken=0).on_conflict_do_nothing())
    raised = db.execute(update(BookingSlotCount.__table__)
                        .where(C.band_id == band.id, C.day == day, C.start == start, C.taken < capacity)
                        .values(taken=C.taken + 1))
    if raised.rowcount != 1:
        raise ApiError(409, "slot_full", rules.SLOT_FULL)


def release(db: Session, band_id: int, day: date, start: str) -> None:
    db.execute(update(BookingSlotCount.__table__)
               .where(C.band_id == band_id, C.day == day, C.start == start, C.taken > 0)
               .values(taken=C.taken - 1))
