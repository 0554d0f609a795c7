"""Bookings made and changed by the citizen, with no account: from the phone page and the public API.
Both go through here, so both keep the same bounds and rules."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server import bookings
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Hall
from kiosk.server.timeutil import utcnow
from kiosk.wire import bookings as wire


def hall_by_code(db: Session, code: str) -> Hall:
    hall = db.scalar(select(Hall).where(Hall.code == code))
    if hall is None:
        raise not_found("大厅")
    return hall


def book(bb, hall: str, req, key: str | None, address: str) -> tuple[wire.Booking, bool]:
    """A citizen's booking, bounded per network address: a person books a slot or two, a script
    filling a day's capacity is refused."""
    if (wait_s := bb.citizen_booking.take(address)) is not None:
        raise ApiError(429, "booking_too_fast", f"预约提交过于频繁，请 {int(wait_s) + 1} 秒后再试",
                       headers={"Retry-After": str(int(wait_s) + 1)})

    def work(db):
        hall_id = hall_by_code(db, hall).id
        booking, replayed = bookings.book(db, None, hall_id, req, "phone_page", key, utcnow())
        return wire.Booking(**bookings.booking_out(db, booking, bb.settings.public_url, staff=False,
                                                   show_code=True)), replayed
    return bookings.written(bb.db, work)


def change(bb, token: str, proof, alter: Callable) -> wire.Booking:
    """``alter(db, booking)`` if the phone and code are the booking's; a wrong code is counted
    (and committed) before the refusal."""
    def work(db):
        found = bookings.for_citizen(db, token, proof.phone, proof.code)
        if isinstance(found, ApiError):
            return found
        return wire.Booking(**bookings.booking_out(db, alter(db, found), bb.settings.public_url, staff=False,
                                                   show_code=False))
    out = bookings.written(bb.db, work)
    if isinstance(out, ApiError):
        raise out
    return out
