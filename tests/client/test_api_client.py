"""The HTTP client against a real server: one method per route, typed errors in Chinese."""
from __future__ import annotations

import pytest

from kiosk.client import (
    ApiClient, BadCredentials, Conflict, Forbidden, Invalid, ServerTrouble, ServerUnreachable, TooManyAttempts,
    UNREACHABLE_MESSAGE,
)


def test_a_helper_signs_in_and_serves_a_ticket(sqlite_server, kiosk_api, queue_ids):
    issued = kiosk_api.issue_ticket(queue_id=queue_ids["C"], priority_group="elderly")
    terminal = ApiClient(sqlite_server.url, sqlite_server.device_token("window", 3))

    session = terminal.sign_in("1003", "246810", window=3)
    assert session.window == 3 and session.helper["name"] == "刘䶮"
    helper = terminal.with_token(session.token)

    line = helper.window_line(3)
    assert line["waiting"] == 1 and line["next"][0]["number"] == issued["number"]
    assert line["next"][0]["priority_group"] == "elderly"

    called = helper.call_next(3)
    assert called["number"] == issued["number"] and called["status"] == "called"
    assert helper.recall(called["id"])["recall_count"] == 1
    assert helper.start(called["id"])["status"] == "serving"
    finished = helper.finish(called["id"], "done", "来人：刘先生")
    assert finished["status"] == "finished"
    record = helper.ticket(called["id"])
    assert record["services"][-1]["log"] == "来人：刘先生"
    staffed = {w["number"]: w["helper"] for w in helper.windows()}
    assert staffed[3]["code"] == "1003"
    helper.sign_out()
    assert {w["number"]: w["helper"] for w in terminal.windows()}[3] is None


def test_call_next_is_none_when_nobody_waits(sqlite_server):
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(5))
    assert helper.call_next(5) is None


def test_server_refusals_become_typed_errors_with_its_chinese_message(sqlite_server, kiosk_api, queue_ids):
    kiosk_api.issue_ticket(queue_id=queue_ids["C"])
    kiosk_api.issue_ticket(queue_id=queue_ids["C"])
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(3))
    held = helper.call_next(3)
    with pytest.raises(Conflict) as busy:
        helper.call_next(3)
    assert busy.value.status == 409 and held["number"] in busy.value.message and "尚未办结" in busy.value.message
    with pytest.raises(Forbidden) as wrong_window:
        helper.call_next(4)
    assert "3 号窗口" in wrong_window.value.message
    with pytest.raises(Invalid) as bad_body:
        helper.finish(held["id"], "vanished")
    assert bad_body.value.status == 422
    with pytest.raises(Forbidden):
        kiosk_api.call_next(3)  # a kiosk cannot call tickets


def test_transfer_to_another_window_puts_the_ticket_at_the_head_of_its_line(sqlite_server, kiosk_api, queue_ids):
    kiosk_api.issue_ticket(queue_id=queue_ids["F"])  # already waiting at window 4
    ticket = kiosk_api.issue_ticket(queue_id=queue_ids["C"])
    helper3 = ApiClient(sqlite_server.url, sqlite_server.helper_session(3, code="1001"))
    helper3.call_next(3)
    moved = helper3.transfer(ticket["id"], to_window=4, note="需税务窗口办理")
    assert moved["status"] == "waiting"
    helper4 = ApiClient(sqlite_server.url, sqlite_server.helper_session(4, code="1008"))
    assert helper4.window_line(4)["next"][0] == {**helper4.window_line(4)["next"][0],
                                                 "number": ticket["number"], "transferred": True}
    assert helper4.call_next(4)["number"] == ticket["number"]


def test_wrong_pin_then_lockout(sqlite_server):
    terminal = ApiClient(sqlite_server.url, sqlite_server.device_token("window", 6))
    with pytest.raises(BadCredentials) as wrong:
        terminal.sign_in("1007", "000000", window=6)
    assert wrong.value.message == "工号或密码不正确" and wrong.value.status == 401
    with pytest.raises(TooManyAttempts) as locked:
        for _ in range(10):
            try:
                terminal.sign_in("1007", "000000", window=6)
            except BadCredentials:
                continue
    assert "秒后再试" in locked.value.message and locked.value.retry_after_s > 0
    with pytest.raises(TooManyAttempts):  # even the right PIN waits out the lock
        terminal.sign_in("1007", "246810", window=6)


def test_an_unreachable_server_is_one_plain_message(unused_url):
    api = ApiClient(unused_url, "bbd_nothing", timeout=(0.5, 0.5))
    with pytest.raises(ServerUnreachable) as down:
        api.windows()
    assert str(down.value) == UNREACHABLE_MESSAGE == "无法连接服务器，请稍候或联系引导台"
    assert down.value.code == "server_unreachable"


def test_answers_are_parsed_with_the_wire_models(sqlite_server, kiosk_api, queue_ids):
    issued = kiosk_api.issue_ticket(queue_id=queue_ids["A"], phone="13800138000")
    assert issued["phone"] == "138****8000" and issued["status_url"].endswith(issued["public_token"])
    assert issued["waiting_ahead"] == 0 and isinstance(issued["estimated_wait_s"], int)
    assert isinstance(issued["staffed_windows"], int)
    clock = kiosk_api.hall_clock()
    assert clock["timezone"] == "Asia/Shanghai" and clock["now"][10] == "T"
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(1, "1001"))
    kiosk_api.report_health("printer", False, "缺纸")
    printer = [h for h in helper.device_health() if h["component"] == "printer" and h["kind"] == "kiosk"]
    assert printer and printer[0]["ok"] is False and printer[0]["message"] == "缺纸"
    called = helper.call_next(1)
    assert called["status"] == "called" and "waiting_ahead" not in called  # only while waiting
    assert helper.case_for_ticket(called["id"]) is None


@pytest.fixture
def contract_breaker():
    """A real HTTP server that answers every call with a ticket missing its number and status."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = b'{"id": 1, "queue_id": 1}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_an_answer_that_breaks_the_contract_is_server_trouble_not_a_key_error(contract_breaker):
    with pytest.raises(ServerTrouble) as broken:
        ApiClient(contract_breaker, "bbd_any").call_next(1)
    assert broken.value.code == "bad_answer" and "与约定不符" in broken.value.message
    with pytest.raises(ServerTrouble):  # the pad's press too: a rating missing its score
        ApiClient(contract_breaker, "bbd_any").rate(1, 5, 1)
