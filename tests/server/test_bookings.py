"""Bookings (预约办) over HTTP on SQLite and PostgreSQL: by a helper and by the citizen, the
Chinese refusals, cancel and move audited, and never a slot overbooked."""
import threading
from datetime import timedelta

from sqlalchemy import func, select

from kiosk.server.models import AuditEntry, Booking, BookingSlotCount
from tests.server.api import Api
from tests.server.booking_helpers import booking_body, next_slot, open_all_day, shift, supervisor


def test_a_helper_books_a_slot_once_however_often_the_request_is_retried(live_server):
    open_all_day(live_server, capacity=2)
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    slot = next_slot(helper)
    first = helper.post("/api/v1/bookings", booking_body(slot, id_number="11010519491231002X"),
                        headers={"Idempotency-Key": "b-1"})
    again = helper.post("/api/v1/bookings", booking_body(slot, id_number="11010519491231002X"),
                        headers={"Idempotency-Key": "b-1"})
    assert (first.status_code, again.status_code) == (201, 200), first.text
    assert again.json()["id"] == first.json()["id"]
    booking = first.json()
    assert booking["state"] == "booked" and booking["state_name"] == "已预约"
    assert len(booking["code"]) == 6 and booking["phone"] == "13912345678"
    token = booking["public_url"].rsplit("/b/", 1)[1]
    shown = Api(live_server.url).get(f"/api/v1/public/bookings/{token}").json()
    assert shown["phone"] == "139****5678" and shown["code"] is None and shown["name"] == "张*丰"
    assert [s for s in next_slot_list(helper) if s["start"] == slot["start"] and s["day"] == slot["day"]][0]["taken"] == 1


def next_slot_list(api):
    return api.get("/api/v1/booking-slots", params={"matter_id": 1, "days": 2}).json()["slots"]


def test_the_citizen_books_on_the_public_api_and_cancels_with_phone_and_code(live_server):
    open_all_day(live_server, capacity=1)
    public = Api(live_server.url)
    slot = public.get("/api/v1/public/halls/county/booking-slots", params={"matter_id": 1}).json()["slots"][0]
    made = public.post("/api/v1/public/halls/county/bookings", booking_body(slot))
    assert made.status_code == 201, made.text
    token, code = made.json()["public_url"].rsplit("/", 1)[1], made.json()["code"]
    full = public.post("/api/v1/public/halls/county/bookings", booking_body(slot, phone="13800000000"))
    assert full.status_code == 409 and full.json()["error"] == {"code": "slot_full", "message": "该时段已约满，请选择其他时段"}
    wrong = public.post(f"/api/v1/public/bookings/{token}/cancel", {"phone": "13912345678", "code": "000000"
                                                                    if code != "000000" else "111111"})
    assert wrong.status_code == 403 and "预约码或手机号不正确" in wrong.json()["error"]["message"]
    done = public.post(f"/api/v1/public/bookings/{token}/cancel", {"phone": "13912345678", "code": code})
    assert done.status_code == 200 and done.json()["state"] == "cancelled"
    again = public.post("/api/v1/public/halls/county/bookings", booking_body(slot, phone="13800000000"))
    assert again.status_code == 201, "the cancelled place is free again"
    with live_server.database.read() as db:
        actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("booking.%"))).all()
    assert actions.count("booking.create") == 2 and actions.count("booking.cancel") == 1


def test_moving_a_booking_takes_the_new_place_and_frees_the_old(live_server):
    open_all_day(live_server, capacity=1)
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    slots = [s for s in next_slot_list(helper) if s["free"]]
    made = helper.post("/api/v1/bookings", booking_body(slots[0])).json()
    moved = helper.post(f"/api/v1/bookings/{made['id']}/move", {"day": slots[1]["day"], "start": slots[1]["start"]})
    assert moved.status_code == 200 and moved.json()["start"] == slots[1]["start"]
    taken = {(s["day"], s["start"]): s["taken"] for s in next_slot_list(helper)}
    assert taken[(slots[0]["day"], slots[0]["start"])] == 0 and taken[(slots[1]["day"], slots[1]["start"])] == 1
    with live_server.database.read() as db:
        assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "booking.move")) == 1


def test_too_late_and_not_a_slot_are_refused_in_chinese(live_server):
    open_all_day(live_server, capacity=1)
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    slot = next_slot(helper)
    past = helper.post("/api/v1/bookings", booking_body({**slot, "day": "2020-01-06", "start": "09:00"}))
    assert past.status_code == 409 and past.json()["error"]["code"] == "too_late"
    assert "已开始或已过" in past.json()["error"]["message"]
    odd = helper.post("/api/v1/bookings", booking_body({**slot, "start": "09:07"}))
    assert odd.status_code == 409 and odd.json()["error"]["code"] == "not_a_slot"
    made = helper.post("/api/v1/bookings", booking_body(slot)).json()
    shift(live_server, made["id"], timedelta(hours=-1))  # the slot has begun
    late = helper.post(f"/api/v1/bookings/{made['id']}/cancel")
    assert late.status_code == 409 and late.json()["error"]["message"].startswith("预约时段已开始")


def test_a_kiosk_may_not_book_and_a_helper_may_not_set_bands(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    assert kiosk.post("/api/v1/bookings", {"matter_id": 1, "day": "2030-01-07", "start": "09:00", "name": "x",
                                           "phone": "13912345678"}).status_code == 403
    band = {"queue_id": 1, "weekdays": "01234", "start": "09:00", "end": "12:00", "slot_minutes": 30, "capacity": 2}
    assert helper.post("/api/v1/booking-bands", band).status_code == 403
    assert supervisor(live_server).post("/api/v1/booking-bands", {**band, "end": "08:00"}).status_code == 422


def test_thirty_bookings_at_once_never_overbook_a_slot(live_server):
    capacity, tries = 3, 30
    open_all_day(live_server, capacity=capacity)
    public = Api(live_server.url)
    slot = public.get("/api/v1/public/halls/county/booking-slots", params={"matter_id": 1}).json()["slots"][0]
    start, answers = threading.Barrier(tries), []

    def book(i):
        start.wait()
        r = public.post("/api/v1/public/halls/county/bookings", booking_body(slot, phone=f"139{i:08d}"))
        answers.append((r.status_code, r.json().get("error", {}).get("code")))

    threads = [threading.Thread(target=book, args=(i,)) for i in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(answers) == [(201, None)] * capacity + [(409, "slot_full")] * (tries - capacity)
    with live_server.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Booking)) == capacity
        assert db.scalar(select(BookingSlotCount.taken)) == capacity


def test_a_smaller_capacity_at_the_instant_of_bookings_never_leaves_more_bookings_than_places(live_server):
    """Lowering a band's capacity while bookings arrive: the change waits for bookings under way
    (and they for it), so either it is refused for the places already booked, or no booking
    goes past the new capacity."""
    band = open_all_day(live_server, capacity=20)
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    boss = supervisor(live_server)
    slot = next_slot(helper)
    tries, smaller = 16, 4
    start, answers, changed = threading.Barrier(tries + 1), [], []
    body = {k: band[k] for k in ("queue_id", "matter_id", "kind", "weekdays", "start", "end", "slot_minutes")}

    def book(i):
        start.wait()
        r = helper.post("/api/v1/bookings", booking_body(slot, phone=f"139{i:08d}"))
        answers.append(r.status_code)

    def lower():
        start.wait()
        changed.append(boss.put(f"/api/v1/booking-bands/{band['id']}", {**body, "capacity": smaller}))

    threads = [threading.Thread(target=book, args=(i,)) for i in range(tries)] + [threading.Thread(target=lower)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    made = answers.count(201)
    assert made + answers.count(409) == tries
    if changed[0].status_code == 200:
        assert made <= smaller
    else:
        assert changed[0].status_code == 409 and "每段名额不能少于" in changed[0].json()["error"]["message"]
        assert made > smaller
    with live_server.database.read() as db:
        assert db.scalar(select(BookingSlotCount.taken)) == made
