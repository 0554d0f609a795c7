"""Check-in at the kiosk: a booked ticket ahead of walk-ins within the slot, the same ticket on
a retry, a walk-in ticket past the grace period (said plainly), and no-shows at the slot's end;
with the bookings' ledger rows and figures."""
from datetime import timedelta

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


def test_early_arrival_is_asked_to_come_back_and_a_late_one_becomes_a_walk_in(live_server):
    _, booking = _booked(live_server)
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    shift(live_server, booking["id"], timedelta(hours=2))
    early = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]})
    assert early.status_code == 409 and early.json()["error"]["code"] == "too_early"
    assert "以后再来签到" in early.json()["error"]["message"]
    shift(live_server, booking["id"], timedelta(hours=-2, minutes=-31))  # slot began 16 to 31 min ago
    late = kiosk.post("/api/v1/bookings/check-in", {"code": booking["code"]})
    assert late.status_code == 200, late.text
    assert late.json()["outcome"] == "late" and "已为您取普通号" in late.json()["message"]
    assert late.json()["booking"]["late"] is True


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
