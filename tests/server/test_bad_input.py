"""Malformed requests get a clear 4xx in Chinese, and change nothing."""
import pytest
import requests
from sqlalchemy import func, select

from kiosk.server.models import Ticket


@pytest.mark.parametrize("body, code, words", [
    (b"{not json", "invalid_request", "JSON"),
    (b'{"service_type": "help"}', "matter_or_queue", "事项"),
    (b'{"queue_id": 1, "service_type": "express"}', "invalid_request", "服务类型"),
    (b'{"queue_id": 1, "service_type": "help", "priority_group": "vip"}', "invalid_request", "优先群体"),
    (b'{"queue_id": 1, "service_type": "help", "phone": "1391234567x"}', "invalid_phone", "手机号"),
    (b'{"queue_id": 1, "matter_id": 2, "service_type": "help"}', "matter_or_queue", "二者选一"),
    (b'{"queue_id": 1, "service_type": "help", "colour": "red"}', "invalid_request", "colour"),
    (b'{"queue_id": 99999, "service_type": "help"}', "not_found", "队列"),
    (b'{"queue_id": 1e400, "service_type": "help"}', "invalid_request", "队列"),
    (b'[]', "invalid_request", ""),
])
def test_bad_ticket_requests(sqlite_server, body, code, words):
    token = sqlite_server.device_token("kiosk")
    r = requests.post(sqlite_server.url + "/api/v1/tickets", data=body, timeout=5,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    error = r.json()["error"]
    assert error["code"] == code and words in error["message"], error
    with sqlite_server.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Ticket)) == 0


def test_unknown_routes_and_methods(sqlite_server):
    missing = requests.get(sqlite_server.url + "/api/v1/nowhere", timeout=5)
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "找不到请求的地址"
    wrong = requests.delete(sqlite_server.url + "/api/v1/tickets", timeout=5)
    assert wrong.status_code == 405 and "不支持" in wrong.json()["error"]["message"]


def test_illegal_state_changes_are_refused(sqlite_server):
    from tests.server.api import Api

    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    helper = Api(sqlite_server.url, sqlite_server.helper_session(1, "1003"))
    helper.post("/api/v1/windows/1/call-next")
    helper.post(f"/api/v1/tickets/{ticket['id']}/start")
    recall = helper.post(f"/api/v1/tickets/{ticket['id']}/recall")
    assert recall.status_code == 409 and "办理中" in recall.json()["error"]["message"]
    helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done"})
    again = helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done"})
    assert again.status_code == 409
    same = helper.post(f"/api/v1/tickets/{ticket['id']}/transfer", {"to_window": 1})
    assert same.status_code == 409


def test_metrics_count_what_happened(sqlite_server):
    from tests.server.api import Api

    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})
    text = requests.get(sqlite_server.url + "/metrics", timeout=5).text
    assert 'bangban_tickets_issued_total{hall="2",service_type="help"} 1.0' in text
    assert 'bangban_request_seconds_bucket{le="0.1",method="POST",route="/api/v1/tickets",status="201"}' in text


@pytest.mark.parametrize("method, path, query, body, words", [
    ("GET", "/api/v1/booking-figures", {"to": "0001-01-01"}, None, "日期超出范围"),
    ("GET", "/api/v1/figures", {"from": "9999-12-31"}, None, "日期超出范围"),
    ("POST", "/api/v1/home-visits", None, {"citizen": "王䶮", "phone": "13800138000", "address": "幸福路 1 号",
                                            "reason": "sick", "matter_ids": [1], "proposed_at": "0001-01-01T01:00:00Z"},
     "2000 年至 2199 年"),
    ("POST", "/api/v1/home-visits", None, {"citizen": "王䶮", "phone": "13800138000", "address": "幸福路 1 号",
                                            "reason": "sick", "matter_ids": [1], "proposed_at": "9999-12-31T23:00:00Z"},
     "日期超出范围"),
])
def test_dates_at_the_ends_of_the_calendar_are_refused_in_words(sqlite_server, method, path, query, body, words):
    """Year 1 and year 9999 were 500s (found by the fuzzer): the day's UTC bounds and the hall's
    offset do not exist there, and year 1's offset in Shanghai is local mean time (+08:05:43)."""
    token = sqlite_server.helper_session(1, "1001")
    r = requests.request(method, sqlite_server.url + path, params=query, json=body, timeout=5,
                         headers={"Authorization": f"Bearer {token}"})
    error = r.json()["error"]
    assert r.status_code == 422 and error["code"] == "bad_range" and words in error["message"], r.text
