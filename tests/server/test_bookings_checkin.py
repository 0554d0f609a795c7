"""Check-in at the kiosk: a booked ticket ahead of walk-ins within the slot, the same ticket on
a retry; an early arrival's ticket at once, held until the slot's lead; too early or another
day refused with the day and time; a walk-in ticket past the grace period (said plainly), and
no-shows at the slot's end; with the bookings' ledger rows and figures. The window, the grace
and the lead are the hall's settings."""
from datetime import timedelta

from sqlalchemy import update

from kiosk.server.models import Booking, Ticket
from kiosk.server.timeutil import utcnow
from tests.conftest import LiveServer
from tests.server.api import Api
from tests.server.booking_helpers import booking_body, next_slot, open_all_day, shift


def _booked(live_server, phone="13912345678"):
    open_all_day(live_server, capacity=2)
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    made = helper.post("/api/v1/bookings", booking_body(next_slot(helper), phone=phone))
    assert made.status_code == 201, made.text
    return helper, made.json()


def test_check_in_on_time_gives_a_booked_ticket_ahead_of_walk_ins(live_server):
    helper, booking = _booked(live_server)
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    walk_in = kiosk.post("/api/v1/tickets", {"matter_id": 1, "service_type": "help"}).json()
    checked = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]}, headers={"Idempotency-Key": "c1"})
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["outcome"] == "on_time" and "签到成功" in body["message"]
    assert body["booking"]["state"] == "checked_in" and body["booking"]["phone"] == "139****5678"
    assert body["ticket"]["status_url"].endswith(body["ticket"]["public_token"])
    assert body["ticket"]["waiting_ahead"] == 0, "the booked citizen goes ahead of the walk-in who came first"
    again = kiosk.post("/api/v1/bookings/check-in", {"phone": "13912345678"}, headers={"Idempotency-Key": "c2"})
    assert again.json()["ticket"]["id"] == body["ticket"]["id"], "a second check-in gives the same ticket"
    window = Api(live_server.url, live_server.helper_session(3, "1004"))
    called = window.post("/api/v1/windows/3/call-next").json()
    assert called["id"] == body["ticket"]["id"] and called["id"] != walk_in["id"]
    window.post(f"/api/v1/tickets/{called['id']}/finish", {"outcome": "done"})
    states = {b["id"]: b["state"] for b in helper.get("/api/v1/bookings").json()["bookings"]}
    assert states[booking["id"]] == "served"


def test_too_early_is_asked_to_come_back_and_a_late_one_becomes_a_walk_in(live_server):
    _, booking = _booked(live_server)
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    shift(live_server, booking["id"], timedelta(hours=3))  # the check-in window is two hours
    early = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]})
    assert early.status_code == 409 and early.json()["error"]["code"] == "too_early"
    assert "以后再来签到" in early.json()["error"]["message"]
    shift(live_server, booking["id"], timedelta(hours=-3, minutes=-31))  # slot began 16 to 31 min ago
    late = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]})
    assert late.status_code == 200, late.text
    assert late.json()["outcome"] == "late" and "已为您取普通号" in late.json()["message"]
    assert late.json()["booking"]["late"] is True and late.json()["called_from"] is None


def _clock_reaches_the_lead(live_server, ticket_id: int) -> None:
    """As if the clock had moved on to the held ticket's slot's lead."""
    with live_server.database.write() as db:
        db.execute(update(Ticket).where(Ticket.id == ticket_id).values(rank_at=utcnow() - timedelta(seconds=1)))


def test_an_early_arrival_gets_its_ticket_at_once_held_until_the_slot_s_lead(live_server):
    _, booking = _booked(live_server)
    shift(live_server, booking["id"], timedelta(hours=1))  # the slot starts in 60 to 75 minutes
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    checked = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]}, headers={"Idempotency-Key": "e1"})
    assert checked.status_code == 200, checked.text
    body = checked.json()
    with live_server.database.read() as db:
        start = db.get(Booking, booking["id"]).start
    assert body["outcome"] == "early" and body["booking"]["state"] == "checked_in"
    assert f"您预约的是 {start}，届时优先叫号，请在大厅等候" in body["message"]
    assert body["called_from"] and body["called_from"] > body["ticket"]["issued_at"]
    again = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]}, headers={"Idempotency-Key": "e1"})
    assert again.json()["ticket"]["id"] == body["ticket"]["id"] and again.json()["outcome"] == "early"

    window = Api(live_server.url, live_server.helper_session(3, "1004"))
    walk_in = kiosk.post("/api/v1/tickets", {"matter_id": 1, "service_type": "help"}).json()
    line = window.get("/api/v1/windows/3/line").json()
    assert [e["number"] for e in line["next"]] == [walk_in["number"], body["ticket"]["number"]]
    assert line["next"][1]["held_until"] == body["called_from"] and line["next"][0]["held_until"] is None
    called = window.post("/api/v1/windows/3/call-next")
    assert called.json()["id"] == walk_in["id"], "the walk-in is called while the booking is held"
    window.post(f"/api/v1/tickets/{walk_in['id']}/finish", {"outcome": "done"})
    assert window.post("/api/v1/windows/3/call-next").status_code == 204, "held: not called before its lead"

    _clock_reaches_the_lead(live_server, body["ticket"]["id"])
    later = kiosk.post("/api/v1/tickets", {"matter_id": 1, "service_type": "help"}).json()
    called = window.post("/api/v1/windows/3/call-next")
    assert called.json()["id"] == body["ticket"]["id"], "from its lead, ahead of the walk-in who came after"
    assert later["id"] != body["ticket"]["id"]


def test_a_booking_on_another_day_is_named_at_the_kiosk(live_server):
    _, booking = _booked(live_server)
    shift(live_server, booking["id"], timedelta(days=2))
    with live_server.database.write() as db:
        moved = db.get(Booking, booking["id"])
        moved.day += timedelta(days=2)
        day = f"{moved.day.month}月{moved.day.day}日"
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    r = kiosk.post("/api/v1/bookings/check-in", {"phone": "13912345678"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_today"
    assert f"您的预约是 {day} {booking['start']}，请在预约当天再来签到" in r.json()["error"]["message"]


def test_the_check_in_window_grace_and_lead_are_the_hall_s_settings(tmp_path):
    server = LiveServer(tmp_path, None, env={"BANGBAN_BOOKING_CHECKIN_WINDOW_MINUTES": "30",
                                             "BANGBAN_BOOKING_GRACE_MINUTES": "0",
                                             "BANGBAN_BOOKING_LEAD_MINUTES": "90"})
    server.start()
    try:
        _, booking = _booked(server)
        kiosk = Api(server.url, server.device_token("kiosk"))
        shift(server, booking["id"], timedelta(hours=1))  # 60 to 75 minutes ahead: past a 30-minute window
        r = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]})
        assert r.status_code == 409 and r.json()["error"]["code"] == "too_early"
        shift(server, booking["id"], timedelta(hours=-1, minutes=-15, seconds=-5))  # began up to 5 s ago
        r = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]})
        assert r.status_code == 200 and r.json()["outcome"] == "late", "no grace: an ordinary ticket"
    finally:
        server.close()
    lead = LiveServer(tmp_path / "lead", None, env={"BANGBAN_BOOKING_LEAD_MINUTES": "90"})
    lead.start()
    try:
        _, booking = _booked(lead)
        shift(lead, booking["id"], timedelta(hours=1))
        kiosk = Api(lead.url, lead.device_token("kiosk"))
        r = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]})
        assert r.json()["outcome"] == "on_time", "within a 90-minute lead: called ahead at once"
    finally:
        lead.close()


def test_a_wrong_code_at_the_kiosk_is_refused_plainly(live_server):
    _booked(live_server)
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    r = kiosk.post("/api/v1/bookings/check-in", {"phone": "13800000000"})
    assert r.status_code == 404 and "没有找到您今天的预约" in r.json()["error"]["message"]
    both = kiosk.post("/api/v1/bookings/check-in", {})
    assert both.status_code == 422 and "预约码或预约时留的手机号" in both.json()["error"]["message"]


def test_not_checked_in_by_the_end_of_the_slot_is_a_no_show_in_the_ledger_and_figures(live_server):
    helper, booking = _booked(live_server)
    shift(live_server, booking["id"], timedelta(hours=-1))
    listed = helper.get("/api/v1/bookings").json()["bookings"]
    assert [b["state"] for b in listed] == ["no_show"]
    figures = helper.get("/api/v1/booking-figures").json()["days"][-1]
    assert figures["bookings"] == 1 and figures["no_shows"] == 1 and figures["no_show_rate"] == 1.0
    ledger = helper.get("/api/v1/ledger/bookings").json()
    assert ledger["rows"][0]["state"] == "未到（爽约）" and ledger["rows"][0]["phone"] == "139****5678"


def test_a_booking_carries_the_citizen_s_priority_group_to_the_checked_in_ticket(live_server):
    open_all_day(live_server, capacity=3)
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    slot = next_slot(helper)
    made = helper.post("/api/v1/bookings", booking_body(slot, priority_group="elderly"))
    assert made.status_code == 201 and made.json()["priority_group"] == "elderly"
    green = helper.post("/api/v1/bookings", booking_body(slot, phone="13912345670", priority_group="green_channel"))
    assert green.status_code == 422 and "绿色通道由大厅协调员" in green.json()["error"]["message"]
    public = Api(live_server.url).post("/api/v1/public/halls/county/bookings",
                                       booking_body(slot, phone="13912345671", priority_group="green_channel"))
    assert public.status_code == 422 and public.json()["error"]["code"] == "green_channel"
    by_citizen = Api(live_server.url).post("/api/v1/public/halls/county/bookings",
                                           booking_body(slot, phone="13912345672", priority_group="pregnant"))
    assert by_citizen.status_code == 201 and by_citizen.json()["priority_group"] == "pregnant"
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    checked = kiosk.post("/api/v1/bookings/check-in", {"code": made.json()["code"]}).json()
    assert checked["ticket"]["priority_group"] == "elderly" and checked["booking"]["priority_group"] == "elderly"
    window = Api(live_server.url, live_server.helper_session(3, "1004"))
    line = window.get("/api/v1/windows/3/line").json()["next"]
    assert [e["priority_group"] for e in line] == ["elderly"]
    # past the grace the ticket is a walk-in's, still with the group's own lead
    shift(live_server, by_citizen.json()["id"], timedelta(minutes=-31))
    late = kiosk.post("/api/v1/bookings/check-in", {"phone": "13912345672"}).json()
    assert late["outcome"] == "late" and late["ticket"]["priority_group"] == "pregnant"
