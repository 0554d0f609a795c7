"""Return visits over HTTP: a reproducible random draw of completed services, each call's
answer recorded, feeding the assessment's 社会评价."""
from tests.conftest import hall_today
from tests.server.api import Api


def _served(server, n: int, phone: str | None = "13912345678"):
    kiosk = Api(server.url, server.device_token("kiosk"))
    helper = Api(server.url, server.helper_session(2, "1006"))
    for _ in range(n):
        body = {"queue_id": 1, "service_type": "help", **({"phone": phone} if phone else {})}
        ticket = kiosk.post("/api/v1/tickets", body).json()
        helper.post("/api/v1/windows/2/call-next")
        assert helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": "指导填表"}).ok


def test_a_draw_is_reproducible_and_a_call_is_recorded(live_server):
    _served(live_server, 3)
    _served(live_server, 1, phone=None)  # no phone: nobody to call
    chief = Api(live_server.url, live_server.helper_session(1, "1001"))
    today = hall_today().isoformat()
    drawn = chief.post("/api/v1/return-visits/draw", {"first": today, "last": today, "share": 0.5, "minimum": 2})
    assert drawn.status_code == 200, drawn.text
    d = drawn.json()
    assert d["population"] == 3 and len(d["drawn"]) == 2
    assert all(v["status"] == "drawn" and v["phone"] == "139****5678" for v in d["drawn"])
    again = chief.post("/api/v1/return-visits/draw", {"first": today, "last": today, "share": 0.5, "minimum": 2})
    assert [v["id"] for v in again.json()["drawn"]] == [v["id"] for v in d["drawn"]]
    first = d["drawn"][0]["id"]
    no_score = chief.post(f"/api/v1/return-visits/{first}/result", {"status": "done"})
    assert no_score.status_code == 422 and no_score.json()["error"]["code"] == "score_required"
    done = chief.post(f"/api/v1/return-visits/{first}/result", {"status": "done", "score": 4, "note": "群众认可"})
    assert done.status_code == 200 and done.json()["score_name"] == "满意" and done.json()["status_name"] == "已回访"
    assert chief.post(f"/api/v1/return-visits/{first}/result", {"status": "done", "score": 4}).status_code == 409
    assert chief.post("/api/v1/return-visits/99999/result", {"status": "unreachable"}).status_code == 404
    year = chief.get(f"/api/v1/assessment/{hall_today().year}").json()
    assert next(i for i in year["items"] if i["key"] == "public_rating")["score"] == 10  # one visit, satisfied
    helper = Api(live_server.url, live_server.helper_session(3, "1007"))
    assert helper.post("/api/v1/return-visits/draw", {"first": today, "last": today}).status_code == 403
    assert len(helper.get("/api/v1/return-visits", params={"status": "done"}).json()) == 1


def test_bad_draws_are_refused(sqlite_server):
    chief = Api(sqlite_server.url, sqlite_server.helper_session(1, "1001"))
    for body in [{"first": "2026-13-01", "last": "2026-12-01"}, {"first": "2026-12-02", "last": "2026-12-01"},
                 {"first": "1900-01-01", "last": "1900-01-02"}, {"first": "2026-12-01", "last": "2026-12-01", "share": 0},
                 {"first": 20261201, "last": "2026-12-01"}, {"first": "2026-01-01", "last": "2027-12-31"}]:
        r = chief.post("/api/v1/return-visits/draw", body)
        assert r.status_code == 422, (body, r.text)
