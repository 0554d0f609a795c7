"""Who may do what: tokens, sign-in, slowed-down guessing, roles bound to windows."""
import time

import requests

from tests.server.api import Api


def test_no_token_or_a_wrong_token_is_refused_in_chinese(sqlite_server):
    bare = requests.get(sqlite_server.url + "/api/v1/windows", timeout=5)
    assert bare.status_code == 401 and bare.json()["error"]["code"] == "unauthorized"
    wrong = Api(sqlite_server.url, "bbd_nonsense").get("/api/v1/windows")
    assert wrong.status_code == 401 and "令牌" in wrong.json()["error"]["message"]


def test_wrong_pin_then_slowed_down_then_still_locked_with_the_right_pin(sqlite_server):
    terminal = Api(sqlite_server.url, sqlite_server.device_token("window", 4))
    body = {"helper_code": "1008", "pin": "000000", "window": 4}
    for _ in range(5):
        r = terminal.post("/api/v1/sessions", body)
        assert r.status_code == 401 and r.json()["error"]["message"] == "工号或密码不正确"
    right = terminal.post("/api/v1/sessions", {**body, "pin": "246810"})
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert "秒后再试" in right.json()["error"]["message"]


def test_unknown_codes_are_slowed_down_too(sqlite_server):
    terminal = Api(sqlite_server.url, sqlite_server.device_token("window", 4))
    codes = [terminal.post("/api/v1/sessions", {"helper_code": "9999", "pin": "1", "window": 4}).status_code
             for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[-1] == 429


def test_roles_bound_what_a_token_may_do(sqlite_server):
    url = sqlite_server.url
    kiosk = Api(url, sqlite_server.device_token("kiosk"))
    pad = Api(url, sqlite_server.device_token("pad", 2))
    display = Api(url, sqlite_server.device_token("display"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    assert kiosk.post("/api/v1/windows/1/call-next").status_code == 403
    assert display.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).status_code == 403
    assert kiosk.get(f"/api/v1/tickets/{ticket['id']}").status_code == 403  # personal data: staff only
    assert pad.post("/api/v1/windows/3/ratings", {"score": 5, "pad_seq": 1}).status_code == 403
    helper_at_1 = Api(url, sqlite_server.helper_session(1, "1003"))
    denied = helper_at_1.post("/api/v1/windows/2/call-next")
    assert denied.status_code == 403 and "1 号窗口" in denied.json()["error"]["message"]
    # a window terminal made for window 5 cannot sign a helper in at window 6
    w5 = Api(url, sqlite_server.device_token("window", 5))
    assert w5.post("/api/v1/sessions", {"helper_code": "1006", "pin": "246810", "window": 6}).status_code == 403


def test_signing_in_elsewhere_ends_the_old_session(sqlite_server):
    first = Api(sqlite_server.url, sqlite_server.helper_session(1, "1003"))
    second = Api(sqlite_server.url, sqlite_server.helper_session(2, "1003"))
    assert first.get("/api/v1/windows").status_code == 401
    assert second.get("/api/v1/windows").status_code == 200


def test_a_helper_cannot_touch_a_ticket_held_by_another_window(sqlite_server):
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    w1 = Api(sqlite_server.url, sqlite_server.helper_session(1, "1003"))
    w2 = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    assert w1.post("/api/v1/windows/1/call-next").json()["id"] == ticket["id"]
    stolen = w2.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done"})
    assert stolen.status_code == 409 and stolen.json()["error"]["code"] == "not_held"


def test_pins_are_stored_hashed(sqlite_server):
    from sqlalchemy import select

    from kiosk.server.models import Helper

    with sqlite_server.database.read() as db:
        stored = db.scalar(select(Helper.pin_hash).where(Helper.code == "1003"))
    assert stored.startswith("scrypt$") and "246810" not in stored


def test_a_revoked_device_is_refused_within_seconds_though_its_identity_is_remembered(sqlite_server):
    """The server remembers who a token is for a minute, but checks every few seconds that the
    device has not been revoked (here by another process writing to the database)."""
    from sqlalchemy import update

    from kiosk.server.auth import token_hash
    from kiosk.server.models import Device

    token = sqlite_server.device_token("kiosk")
    kiosk = Api(sqlite_server.url, token)
    assert kiosk.get("/api/v1/queues/waiting").status_code == 200
    with sqlite_server.database.write() as db:
        db.execute(update(Device).where(Device.token_hash == token_hash(token)).values(revoked=True))
    deadline = time.monotonic() + 5
    while kiosk.get("/api/v1/queues/waiting").status_code == 200:
        assert time.monotonic() < deadline, "a revoked device still served after 5 s"
        time.sleep(0.2)
    refused = kiosk.get("/api/v1/queues/waiting")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
