"""One rating per service from the window's own pad; bad ones open a follow-up."""
from tests.server.api import Api, read_events


def finished_service(server, window=2, code="1006"):
    kiosk = Api(server.url, server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    helper = Api(server.url, server.helper_session(window, code))
    helper.post(f"/api/v1/windows/{window}/call-next")
    helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": "已办结"})
    return ticket, helper


def test_rating_once_per_service(live_server):
    pad = Api(live_server.url, live_server.device_token("pad", 2))
    assert pad.post("/api/v1/windows/2/ratings", {"score": 5, "pad_seq": 1}).status_code == 409  # nothing yet
    finished_service(live_server)
    first = pad.post("/api/v1/windows/2/ratings", {"score": 4, "pad_seq": 2})
    assert first.status_code == 201 and first.json()["score_name"] == "满意"
    assert pad.post("/api/v1/windows/2/ratings", {"score": 4, "pad_seq": 2}).status_code == 200  # a resend
    again = pad.post("/api/v1/windows/2/ratings", {"score": 1, "pad_seq": 3})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"


def test_a_bad_rating_opens_a_follow_up_only_a_supervisor_closes(sqlite_server):
    pad = Api(sqlite_server.url, sqlite_server.device_token("pad", 2))
    _, helper = finished_service(sqlite_server)
    assert pad.post("/api/v1/windows/2/ratings", {"score": 2, "pad_seq": 10}).status_code == 201
    open_ = helper.get("/api/v1/follow-ups", params={"status": "open"}).json()
    assert len(open_) == 1 and open_[0]["rating"]["score_name"] == "不满意"
    fid = open_[0]["id"]
    assert helper.post(f"/api/v1/follow-ups/{fid}/close", {"note": "已回访"}).status_code == 403
    chief = Api(sqlite_server.url, sqlite_server.helper_session(1, "1001"))
    closed = chief.post(f"/api/v1/follow-ups/{fid}/close", {"note": "已电话回访，群众认可整改结果"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert chief.post(f"/api/v1/follow-ups/{fid}/close", {"note": "x"}).status_code == 409


def test_finishing_asks_the_pad_and_rating_is_announced(sqlite_server):
    staff = sqlite_server.helper_session(1, "1001")  # a display sees the line only (event_access)
    pad = Api(sqlite_server.url, sqlite_server.device_token("pad", 2))
    ticket, _ = finished_service(sqlite_server)
    pad.post("/api/v1/windows/2/ratings", {"score": 5, "pad_seq": 1})
    events = [e for e in read_events(sqlite_server.url, staff, after=0, count=7)
              if e["type"] != "window.staffed"]  # the helper's sign-in
    assert [e["type"] for e in events] == [
        "ticket.issued", "ticket.called", "ticket.finished", "rating.requested", "rating.recorded"]
    assert events[3]["window"] == 2 and events[3]["helper_name"] == "陈静"
    assert events[4]["number"] == ticket["number"] and events[4]["score"] == 5


def test_a_late_rating_rates_the_service_it_was_pressed_for(sqlite_server):
    import time
    from datetime import datetime, timedelta, timezone

    pad = Api(sqlite_server.url, sqlite_server.device_token("pad", 2))
    first, helper = finished_service(sqlite_server)
    first_service = helper.get(f"/api/v1/tickets/{first['id']}").json()["services"][0]["id"]
    pressed = datetime.now(timezone.utc).isoformat()  # the key press, queued while the server was away
    time.sleep(0.05)
    second, _ = finished_service(sqlite_server, code="1005")  # the window went on serving
    late = pad.post("/api/v1/windows/2/ratings",
                    {"score": 3, "pad_seq": 2, "service_id": first_service, "pressed_at": pressed})
    assert late.status_code == 201 and late.json()["service_id"] == first_service
    # the newer service is still unrated and can be rated
    newer = pad.post("/api/v1/windows/2/ratings", {"score": 5, "pad_seq": 3})
    assert newer.status_code == 201 and newer.json()["service_id"] != first_service
    # a press before the service it names had finished does not count
    too_early = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    third, h3 = finished_service(sqlite_server, code="1006")
    third_service = h3.get(f"/api/v1/tickets/{third['id']}").json()["services"][0]["id"]
    stale = pad.post("/api/v1/windows/2/ratings",
                     {"score": 3, "pad_seq": 4, "service_id": third_service, "pressed_at": too_early})
    assert stale.status_code == 409 and "按键时" in stale.json()["error"]["message"]
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    assert pad.post("/api/v1/windows/2/ratings",
                    {"score": 3, "pad_seq": 5, "pressed_at": future}).status_code == 422
    naive = pad.post("/api/v1/windows/2/ratings", {"score": 3, "pad_seq": 6, "pressed_at": "2026-11-23T10:00:00"})
    assert naive.status_code == 422
