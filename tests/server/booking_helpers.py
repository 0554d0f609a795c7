"""What the booking tests share: a band open all day every day, and the next bookable slot."""
from __future__ import annotations

from kiosk.server.models import Booking, Matter
from tests.server.api import Api

MATTER = 1  # the demo hall's first matter


def supervisor(live_server) -> Api:
    return Api(live_server.url, live_server.helper_session(1, "1002"))  # 王芳, coordinator


def open_all_day(live_server, capacity: int = 2, slot_minutes: int = 15) -> dict:
    api = supervisor(live_server)
    with live_server.database.read() as db:
        queue_id = db.get(Matter, MATTER).queue_id
    r = api.post("/api/v1/booking-bands", {"queue_id": queue_id, "kind": "regular", "weekdays": "0123456",
                                           "start": "00:00", "end": "23:59", "slot_minutes": slot_minutes,
                                           "capacity": capacity})
    assert r.status_code == 201, r.text
    return r.json()


def next_slot(api: Api, matter: int = MATTER) -> dict:
    r = api.get("/api/v1/booking-slots", params={"matter_id": matter, "days": 2})
    assert r.status_code == 200, r.text
    free = [s for s in r.json()["slots"] if s["free"]]
    assert free, "no free slot"
    return free[0]


def booking_body(slot: dict, phone: str = "13912345678", **extra) -> dict:
    return {"matter_id": MATTER, "day": slot["day"], "start": slot["start"], "name": "张三丰", "phone": phone,
            "service_type": "help", **extra}


def shift(live_server, booking_id: int, by) -> None:
    """Move a booking's slot in time, as if the clock had moved the other way."""
    with live_server.database.write() as db:
        booking = db.get(Booking, booking_id)
        booking.slot_start += by
        booking.slot_end += by
