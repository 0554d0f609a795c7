"""Bookings (预约办): made by a helper or by the citizen on the phone page, cancelled or moved
by either (each change audited), checked in at the kiosk for a ticket, and settled: a booking
nobody checked in for by the end of its slot is a no-show, one whose ticket was served is
served."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.domain import booking_rules as rules, identity
from kiosk.domain.case_states import mask_name
from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES, Policy, booked_key, held
from kiosk.server import audit_trail, booking_slots as slots_db, tickets
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import AuditEntry, Booking, Matter, Ticket
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire.requests import TicketRequest

MAX_CODE_FAILURES = 10
GREEN_CHANNEL_BY_COORDINATOR = (f"{PRIORITY_GROUP_NAMES['green_channel']}由大厅协调员或首席帮办代办员开通，"
                                "预约时请选择其他优先人群，或不选")


def audit(db: Session, who: Caller | None, booking: Booking, action: str, **detail) -> None:
    """Staff changes are audited as staff; the citizen's own (no device, no helper) as theirs."""
    if who is not None:
        audit_trail.audit(db, who, action, booking.ticket_id, booking_id=booking.id, **detail)
    else:
        db.add(AuditEntry(hall_id=booking.hall_id, at=utcnow(), action=action, ticket_id=booking.ticket_id,
                          detail={"booking_id": booking.id, "by": "citizen", **detail}))


def booking_out(db: Session, b: Booking, public_url: str, *, staff: bool, show_code: bool) -> dict:
    matter = db.get(Matter, b.matter_id)
    ticket = db.get(Ticket, b.ticket_id) if b.ticket_id else None
    return dict(
        id=b.id, matter_id=b.matter_id, matter=matter.name, queue_id=b.queue_id, day=b.day.isoformat(),
        start=b.start, end=iso(b.slot_end)[11:16], slot_start=iso(b.slot_start), name=b.name if staff else mask_name(b.name),
        phone=b.phone if staff else identity.mask_phone(b.phone),
        id_number=None if b.id_number is None else (b.id_number if staff else identity.mask_id(b.id_number)),
        service_type=b.service_type, state=b.state, state_name=rules.BOOKING_STATES[b.state], channel=b.channel,
        priority_group=b.priority_group,
        code=b.code if show_code else None, public_url=f"{public_url}/b/{b.public_token}",
        checked_in_at=iso(b.checked_in_at), late=b.late, ticket_number=ticket.number if ticket else None)


def _checked_id(number: str | None) -> str | None:
    if number is None:
        return None
    try:
        return identity.check_resident_id(number)
    except identity.IdentityError as exc:
        raise ApiError(422, "invalid_identity", exc.message) from None


def _new_code(db: Session, hall_id: int, day: date) -> str:
    """Six digits, unique among the hall's bookings of that day (what the kiosk looks up)."""
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if db.scalar(select(Booking.id).where(Booking.hall_id == hall_id, Booking.day == day,
                                              Booking.code == code)) is None:
            return code


def book(db: Session, who: Caller | None, hall_id: int, req, channel: str, request_key: str | None,
         now: datetime) -> tuple[Booking, bool]:
    """A new booking, or the one a retry with the same key made (and whether it is that)."""
    if request_key is not None:
        done = db.scalar(select(Booking).where(Booking.request_key == request_key))
        if done is not None:
            return done, True
    matter = db.get(Matter, req.matter_id)
    if matter is None or matter.hall_id != hall_id:
        raise not_found("事项")
    if req.priority_group == "green_channel" and not (who and who.is_supervisor):
        raise ApiError(422, "green_channel", GREEN_CHANNEL_BY_COORDINATOR)
    if req.service_type == "proxy" and not matter.proxy_allowed:
        raise tickets.proxy_not_offered(matter.name)
    band = slots_db.find_slot(db, matter, req.day, req.start, now)
    slots_db.take(db, band, req.day, req.start)
    start = slots_db.moment(req.day, slots_db.clock(req.start))
    booking = Booking(
        hall_id=hall_id, band_id=band.id, queue_id=matter.queue_id, matter_id=matter.id, day=req.day,
        start=req.start, slot_start=start, slot_end=start + _length(band), name=req.name.strip(), phone=req.phone,
        id_number=_checked_id(req.id_number), service_type=req.service_type,
        priority_group=req.priority_group, state="booked",
        code=_new_code(db, hall_id, req.day), public_token=secrets.token_urlsafe(18), channel=channel,
        request_key=request_key, device_id=who.device.id if who else None,
        helper_id=who.helper.id if who and who.helper else None, created_at=now, changed_at=now, late=False,
        code_failures=0)
    db.add(booking)
    db.flush()
    audit(db, who, booking, "booking.create", day=req.day.isoformat(), start=req.start, channel=channel,
          priority_group=req.priority_group)
    return booking, False


def _length(band) -> timedelta:
    return timedelta(minutes=band.slot_minutes)


def for_staff(db: Session, who: Caller, booking_id: int, *, lock: bool = False) -> Booking:
    query = select(Booking).where(Booking.id == booking_id)
    booking = db.scalar(query.with_for_update() if lock else query)
    if booking is None or booking.hall_id != who.hall_id:
        raise not_found("预约")
    return booking


def for_citizen(db: Session, token: str, phone: str, code: str) -> Booking | ApiError:
    """The booking if the phone and code are its own; else the refusal to raise once the
    counted failure is committed."""
    booking = db.scalar(select(Booking).where(Booking.public_token == token).with_for_update())
    if booking is None:
        raise ApiError(404, "not_found", "找不到该预约，请核对链接")
    if booking.code_failures >= MAX_CODE_FAILURES:
        return ApiError(429, "code_locked", "预约码错误次数过多，已锁定，请致电大厅办理")
    if phone == booking.phone and code == booking.code:
        return booking
    booking.code_failures += 1
    return ApiError(403, "wrong_code", rules.CODE_WRONG)


def _changeable(booking: Booking, now: datetime) -> None:
    if booking.state != "booked":
        raise ApiError(409, "not_open", rules.NOT_OPEN.format(state=rules.BOOKING_STATES[booking.state]))
    if not rules.may_change(booking.slot_start, now):
        raise ApiError(409, "too_late", rules.TOO_LATE_TO_CHANGE)


def cancel(db: Session, who: Caller | None, booking: Booking, now: datetime) -> Booking:
    _changeable(booking, now)
    slots_db.release(db, booking.band_id, booking.day, booking.start)
    booking.state, booking.changed_at = "cancelled", now
    audit(db, who, booking, "booking.cancel")
    return booking


def move(db: Session, who: Caller | None, booking: Booking, day: date, start: str, now: datetime) -> Booking:
    _changeable(booking, now)
    if (day, start) == (booking.day, booking.start):
        return booking
    matter = db.get(Matter, booking.matter_id)
    band = slots_db.find_slot(db, matter, day, start, now)
    slots_db.take(db, band, day, start)
    slots_db.release(db, booking.band_id, booking.day, booking.start)
    before = f"{booking.day.isoformat()} {booking.start}"
    moment = slots_db.moment(day, slots_db.clock(start))
    if day != booking.day:
        booking.code = _new_code(db, booking.hall_id, day)
    booking.band_id, booking.day, booking.start = band.id, day, start
    booking.slot_start, booking.slot_end, booking.changed_at = moment, moment + _length(band), now
    audit(db, who, booking, "booking.move", before=before, after=f"{day.isoformat()} {start}")
    return booking


def settle(db: Session, hall_id: int, now: datetime) -> None:
    """Bookings nobody came for by their slot's end become no-shows (audited), and checked-in
    ones whose ticket is finished become served."""
    missed = db.scalars(select(Booking).where(Booking.hall_id == hall_id, Booking.state == "booked",
                                              Booking.slot_end <= now).with_for_update()).all()
    for booking in missed:
        booking.state, booking.changed_at = rules.state_now("booked", booking.slot_end, now), now
        db.add(AuditEntry(hall_id=hall_id, at=now, action="booking.no_show", detail={"booking_id": booking.id}))
    finished = select(Ticket.id).where(Ticket.status == "finished")
    db.execute(update(Booking).where(Booking.hall_id == hall_id, Booking.state == "checked_in",
                                     Booking.ticket_id.in_(finished)).values(state="served"))


def day_list(db: Session, hall_id: int, day: date) -> list[Booking]:
    return db.scalars(select(Booking).where(Booking.hall_id == hall_id, Booking.day == day)
                      .order_by(Booking.slot_start, Booking.id)).all()


# --- check-in at the kiosk -------------------------------------------------------

def _theirs(who: Caller, req):
    query = select(Booking).where(Booking.hall_id == who.hall_id)
    if req.code:
        return query.where(Booking.code == req.code)
    if req.token:
        return query.where(Booking.public_token == req.token)
    return query.where(Booking.phone == req.phone)


def _todays(db: Session, who: Caller, req, now: datetime) -> list[Booking]:
    query = _theirs(who, req).where(Booking.day == local_day(now),
                                        Booking.state.in_(("booked", "checked_in", "served")))
    return db.scalars(query.order_by(Booking.slot_start).with_for_update()).all()


def _not_today(db: Session, who: Caller, req, now: datetime) -> ApiError:
    """No open booking today: the next one on a later day is named (come back that day), or none."""
    later = db.scalar(_theirs(who, req).where(Booking.day > local_day(now), Booking.state == "booked")
                      .order_by(Booking.slot_start).limit(1)) if not req.code else None
    if later is None:  # a code is one day's: another day's booking with the same six digits is not theirs
        return ApiError(404, "no_booking", "没有找到您今天的预约，请核对预约码或手机号；也可以直接取号")
    return ApiError(409, "not_today", rules.not_today_words(later.day, later.start))


def _said(booking: Booking, now: datetime, policy: Policy) -> str:
    """A checked-in booking's outcome as it stands: ``late``, or booked and still held, or booked."""
    if booking.late:
        return "late"
    return "early" if held(booked_key(booking.slot_start, booking.priority_group, policy), now) else "on_time"


def check_in(db: Session, who: Caller, req, key: str | None, policy: Policy, timing: rules.Timing,
             now: datetime) -> tuple[Booking, object, str]:
    """The booking checked in and its ticket, with ``early``, ``on_time`` or ``late``; a retry
    (or a second check-in) answers with the ticket the first one gave."""
    if sum(v is not None for v in (req.code, req.phone, req.token)) != 1:
        raise ApiError(422, "code_or_phone", "请输入预约码或预约时留的手机号（二者选一）")
    found = _todays(db, who, req, now)
    replay = tickets.find_replay(db, who, key)
    done = [b for b in found if b.ticket_id is not None and (replay is None or b.ticket_id == replay.id)]
    open_ = [b for b in found if b.state == "booked"]
    booked_now = [b for b in open_
                  if rules.arrival(b.slot_start, now, timing, policy.booking_lead) in ("early", "on_time")]
    if done and (replay is not None or not booked_now):
        booking = done[-1]
        return booking, tickets.ticket_out(db, db.get(Ticket, booking.ticket_id)), _said(booking, now, policy)
    if not open_:
        raise _not_today(db, who, req, now)
    booking = (booked_now or open_)[0]
    outcome = rules.arrival(booking.slot_start, now, timing, policy.booking_lead)
    if outcome == "too_early":
        opens = iso(rules.checkin_opens(booking.slot_start, timing))[11:16]
        raise ApiError(409, "too_early", rules.checkin_words("too_early", booking.start, opens))
    group = booking.priority_group
    ticket_req = TicketRequest(matter_id=booking.matter_id, service_type=booking.service_type, phone=booking.phone,
                               priority_group=group)
    key_for = None if outcome == "late" else booked_key(booking.slot_start, group, policy)
    ticket, _ = tickets.issue(db, who, ticket_req, key, policy, booked=key_for)
    booking.state, booking.ticket_id, booking.checked_in_at = "checked_in", ticket.id, now
    booking.late, booking.changed_at = outcome == "late", now
    audit(db, who, booking, "booking.check_in", outcome=outcome)
    return booking, ticket, outcome


def called_from(booking: Booking, policy: Policy) -> datetime | None:
    """From when a booked ticket may be called (none for a late arrival's ordinary ticket)."""
    return None if booking.late else booked_key(booking.slot_start, booking.priority_group, policy).rank_at


def written(database, work: Callable):
    """``work(db)`` in a write transaction; a key or code that raced in is tried once more."""
    for attempt in range(2):
        try:
            with database.write() as db:
                return work(db)
        except IntegrityError:
            if attempt:
                raise ApiError(409, "conflict", "预约冲突，请重试")
