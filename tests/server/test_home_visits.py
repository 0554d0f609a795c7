"""Home visits (上门服务) over HTTP: recorded by a helper, scheduled by a coordinator with a
helper of another hall (a joint visit), seen and reported by the assigned helper with a page
photographed at the visit and a proxy case linked; in the ledger and the figures."""
import io
from datetime import datetime, timedelta, timezone

from PIL import Image
from sqlalchemy import select

from kiosk.server.admin import add_helper
from kiosk.server.models import AuditEntry, Hall, Helper, Window
from tests.server.api import Api

SOON = (datetime.now(timezone(timedelta(hours=8))) + timedelta(hours=2)).isoformat(timespec="seconds")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(out, "JPEG")
    return out.getvalue()


def _visit_body(**extra):
    return {"citizen": "王大爷", "phone": "13912345678", "address": "东关社区3号楼2单元101", "reason": "elderly",
            "matter_ids": [1], "proposed_at": SOON, **extra}


def test_a_visit_from_request_to_report(live_server):
    add_helper(live_server.database, "2001", "乡镇帮办员", "135790", "helper", "township")
    with live_server.database.read() as db:
        far = db.scalar(select(Helper.id).where(Helper.code == "2001"))
        near = db.scalar(select(Helper.id).where(Helper.code == "1005"))
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    made = helper.post("/api/v1/home-visits", _visit_body(), headers={"Idempotency-Key": "v1"})
    again = helper.post("/api/v1/home-visits", _visit_body(), headers={"Idempotency-Key": "v1"})
    assert (made.status_code, again.status_code) == (201, 200), made.text
    visit = made.json()
    assert visit["state"] == "requested" and visit["reason_name"] == "老年人" and visit["overdue"] is False
    assert helper.post(f"/api/v1/home-visits/{visit['id']}/schedule",
                       {"helper_ids": [near], "scheduled_at": SOON}).status_code == 403
    coordinator = Api(live_server.url, live_server.helper_session(1, "1002"))
    scheduled = coordinator.post(f"/api/v1/home-visits/{visit['id']}/schedule",
                                 {"helper_ids": [near, far], "scheduled_at": SOON})
    assert scheduled.status_code == 200, scheduled.text
    assert {h["hall"] for h in scheduled.json()["helpers"]} == {"示范县政务服务中心", "城关街道便民服务中心"}

    with live_server.database.write() as db:  # the township's one window, for its helper to sign in at
        db.add(Window(hall_id=db.scalar(select(Hall.id).where(Hall.code == "township")), number=1, name="便民窗口"))
    township = live_server.device_token("window", 1, hall="township")
    from tests.conftest import auth
    import requests
    r = requests.post(live_server.url + "/api/v1/sessions", headers=auth(township),
                      json={"helper_code": "2001", "pin": "135790", "window": 1}, timeout=10)
    assert r.status_code == 201, r.text
    visitor = Api(live_server.url, r.json()["token"])
    mine = visitor.get("/api/v1/home-visits", params={"mine": "true"}).json()["visits"]
    assert [v["id"] for v in mine] == [visit["id"]], "a helper of another hall sees the visit assigned to them"
    page = visitor.post(f"/api/v1/home-visits/{visit['id']}/pages", data=_jpeg(),
                        headers={"Content-Type": "image/jpeg", "Idempotency-Key": "p1"})
    assert page.status_code == 201, page.text
    done = visitor.post(f"/api/v1/home-visits/{visit['id']}/report", {"report": "已代为提交高龄津贴申请"})
    assert done.status_code == 200 and done.json()["state"] == "done" and done.json()["pages"] == 1
    assert helper.post(f"/api/v1/home-visits/{visit['id']}/report", {"report": "x"}).status_code == 403

    ledger = helper.get("/api/v1/ledger/home-visits", params={"from": SOON[:10], "to": SOON[:10]}).json()
    assert ledger["rows"][0]["state"] == "已上门办理" and ledger["rows"][0]["phone"] == "139****5678"
    figures = helper.get("/api/v1/booking-figures", params={"from": SOON[:10], "to": SOON[:10]}).json()["days"]
    assert figures[0]["visits_requested"] == 1 and figures[0]["visits_done"] == 1
    with live_server.database.read() as db:
        actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("home_visit.%"))).all()
    assert sorted(actions) == ["home_visit.page_add", "home_visit.record", "home_visit.report", "home_visit.schedule"]


def test_a_visit_not_done_by_its_time_is_overdue_and_bad_input_is_refused(live_server):
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    made = helper.post("/api/v1/home-visits", _visit_body(proposed_at=past)).json()
    listed = helper.get("/api/v1/home-visits", params={"open": "true"}).json()["visits"]
    assert [v["overdue"] for v in listed if v["id"] == made["id"]] == [True]
    assert helper.post("/api/v1/home-visits", _visit_body(reason="rich")).status_code == 422
    assert helper.post("/api/v1/home-visits", _visit_body(matter_ids=[99999])).status_code == 404
