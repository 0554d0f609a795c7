"""Issue 18, items 6 and 9: what a stranger, or a leaked or misbehaving device, can make the
server do is bounded: body sizes (read only as far as the caller is known), tickets per kiosk,
pages per ticket, who reads /metrics, and which events each role sees."""
import json
import socket

import pytest
import requests

from tests.conftest import LiveServer
from tests.server.api import Api
from tests.supervisor.web import serve

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def _raw(server: LiveServer, head: str, body: bytes = b"", wait_s: float = 10) -> tuple[int, dict]:
    """Sends the request line and headers and the start of a body, then reads the answer
    without sending the rest: a server that reads on before answering never answers."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait_s) as s:
        s.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < answer.index(b"\r\n\r\n") + 4 + _length(answer):
            part = s.recv(65536)
            if not part:
                break
            answer += part
    status = int(answer.split(b" ", 2)[1])
    return status, json.loads(answer.split(b"\r\n\r\n", 1)[1] or b"{}")


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


# --- 6. request bodies ---------------------------------------------------------------

def test_a_300_mb_body_without_a_token_is_refused_before_it_is_read(live_server):
    head = (f"POST /api/v1/tickets HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
            f"Content-Length: {300 * 2**20}\n")
    status, error = _raw(live_server, head, b"{" + b" " * 65536)
    assert status == 413 and error["error"]["code"] == "too_large", error
    assert "过长" in error["error"]["message"]


def test_a_stranger_sending_in_chunks_is_stopped_after_a_few_kb(live_server):
    head = ("POST /api/v1/tickets HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
            "Transfer-Encoding: chunked\n")
    chunk = b"{" + b" " * 16383
    status, error = _raw(live_server, head, b"%x\r\n%s\r\n" % (len(chunk), chunk))  # and never the last chunk
    assert status == 401 and error["error"]["code"] == "unauthorized", error


@pytest.mark.parametrize("path", ["/api/v1/public/halls/1/bookings", "/book/1", "/c/abcdefgh"])
def test_a_long_body_to_a_citizen_page_is_too_long_whatever_token_comes_with_it(sqlite_server, path):
    """A citizen has no token to show: past the few KB anyone may send, the answer is 413 with or
    without one (it was 401 "token invalid" when the fuzzer's token had been signed out)."""
    for token in ("", "Authorization: Bearer bbs_signed_out_long_ago\n"):
        head = (f"POST {path} HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n{token}"
                f"Content-Length: {5 * 1024}\n")
        status, error = _raw(sqlite_server, head, b"{" + b" " * 1024)
        assert status == 413 and error["error"]["code"] == "too_large", (path, token, error)
        assert "最多 4 KB" in error["error"]["message"]


def test_a_json_body_over_its_limit_is_refused_even_from_a_kiosk(live_server):
    kiosk = live_server.device_token("kiosk")
    head = (f"POST /api/v1/tickets HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
            f"Authorization: Bearer {kiosk}\nTransfer-Encoding: chunked\n")
    chunk = b" " * 65536
    status, error = _raw(live_server, head, b"%x\r\n%s\r\n" % (len(chunk), chunk) * 8)  # 512 KB, no end
    assert status == 413 and error["error"]["code"] == "too_large", error


def test_a_page_over_its_limit_is_refused_and_one_within_it_taken(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    head = (f"POST /api/v1/tickets/{ticket['id']}/documents HTTP/1.1\nHost: 127.0.0.1\nContent-Type: image/jpeg\n"
            f"Authorization: Bearer {kiosk.token}\nTransfer-Encoding: chunked\n")
    chunk = JPEG + b"\x00" * (2**20 - len(JPEG))
    status, error = _raw(live_server, head, b"%x\r\n%s\r\n" % (len(chunk), chunk) * 11)  # 11 MB, no end
    assert status == 413 and "MB" in error["error"]["message"], error
    big = requests.post(f"{live_server.url}/api/v1/tickets/{ticket['id']}/documents", data=chunk * 9, timeout=30,
                        headers={"Authorization": f"Bearer {kiosk.token}", "Content-Type": "image/jpeg"})
    assert big.status_code == 201, big.text


def test_a_long_supervisor_form_from_a_stranger_is_refused_before_it_is_read(sqlite_server):
    head = ("POST /supervisor/login HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/x-www-form-urlencoded\n"
            f"Content-Length: {2**20}\n")
    status, error = _raw(sqlite_server, head, b"code=" + b"1" * 8192)
    assert status == 413, error


# --- 9. a leaked or misbehaving device ----------------------------------------------

@pytest.fixture
def strict_server(tmp_path, monkeypatch):
    """A server with the default limits (the test harness raises the issuing rate for load tests)."""
    monkeypatch.setenv("BANGBAN_KIOSK_TICKETS_PER_MINUTE", "30")
    server = LiveServer(tmp_path, None)
    server.start()
    yield server
    server.close()


def test_one_kiosk_cannot_issue_faster_than_any_real_kiosk(strict_server):
    kiosk = Api(strict_server.url, strict_server.device_token("kiosk"))
    answers = [kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}) for _ in range(40)]
    assert [a.status_code for a in answers[:30]] == [201] * 30
    refused = answers[-1]
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "issuing_too_fast"
    assert "频繁" in refused.json()["error"]["message"] and int(refused.headers["Retry-After"]) >= 1
    other = Api(strict_server.url, strict_server.device_token("kiosk"))
    assert other.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).status_code == 201


def test_one_address_cannot_fill_a_day_of_public_bookings(tmp_path, monkeypatch):
    from tests.server.booking_helpers import booking_body, next_slot, open_all_day

    monkeypatch.setenv("BANGBAN_CITIZEN_BOOKINGS_PER_MINUTE", "10")  # the default
    server = LiveServer(tmp_path, None)
    server.start()
    try:
        open_all_day(server, capacity=100)
        public = Api(server.url, None)
        slot = next_slot(Api(server.url, server.helper_session(2, "1006")))
        answers = [public.post("/api/v1/public/halls/county/bookings", booking_body(slot, phone=f"139{i:08d}"))
                   for i in range(12)]
        assert [a.status_code for a in answers[:10]] == [201] * 10
        refused = answers[-1]
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "booking_too_fast"
        assert "频繁" in refused.json()["error"]["message"] and int(refused.headers["Retry-After"]) >= 1
        page = requests.post(f"{server.url}/book/county", data={"slot": f"{slot['day']} {slot['start']}",
                                                                "matter_id": "1", "name": "李四", "phone": "13912340000"},
                             timeout=10)
        assert page.status_code == 429 and "预约提交过于频繁" in page.text  # the phone page says it too
    finally:
        server.close()


def test_a_ticket_takes_at_most_thirty_pages(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    url = f"{live_server.url}/api/v1/tickets/{ticket['id']}/documents"
    headers = {"Authorization": f"Bearer {kiosk.token}", "Content-Type": "image/jpeg"}
    with requests.Session() as http:
        codes = [http.post(url, data=JPEG, headers=headers, timeout=10).status_code for _ in range(31)]
        refused = http.post(url, data=JPEG, headers={**headers, "Idempotency-Key": "p32"}, timeout=10)
    assert codes == [201] * 30 + [413]
    assert refused.json()["error"]["code"] == "too_many_pages" and "30 页" in refused.json()["error"]["message"]


def test_metrics_need_the_configured_token(tmp_path, monkeypatch):
    monkeypatch.setenv("BANGBAN_METRICS_TOKEN", "scrape-me-9f2c")
    server = LiveServer(tmp_path, None)
    server.start()
    try:
        url = server.url + "/metrics"
        assert requests.get(url, timeout=5).status_code == 401
        assert requests.get(url, headers={"Authorization": "Bearer guess"}, timeout=5).status_code == 401
        ok = requests.get(url, headers={"Authorization": "Bearer scrape-me-9f2c"}, timeout=5)
        assert ok.status_code == 200 and "bangban_request_seconds" in ok.text
    finally:
        server.close()


def _outside_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: only picks the outgoing interface
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


def test_without_a_token_metrics_answer_this_machine_only(tmp_path, monkeypatch):
    address = _outside_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback to ask from")
    monkeypatch.setenv("BANGBAN_HOST", "0.0.0.0")
    server = LiveServer(tmp_path, None)
    server.start()
    try:
        assert requests.get(server.url + "/metrics", timeout=5).status_code == 200
        outside = requests.get(f"http://{address}:{server.port}/metrics", timeout=5)
        assert outside.status_code == 403 and "metrics_token" in outside.json()["error"]["message"]
    finally:
        server.close()


def _events_seen(server, token: str) -> list[str]:
    """The types of every event the token's stream gives from the start of the log."""
    seen = []
    try:
        with requests.get(server.url + "/api/v1/events", stream=True, timeout=(5, 2),
                          headers={"Authorization": f"Bearer {token}", "Last-Event-ID": "0"}) as r:
            assert r.status_code == 200, r.text
            for line in r.iter_lines(decode_unicode=True):
                if line.startswith("event:"):
                    seen.append(line[6:].strip())
    except requests.exceptions.ConnectionError:  # the read timed out: everything there was is read
        pass
    return seen


def test_each_role_reads_only_the_events_it_needs(live_server):
    helper = Api(live_server.url, live_server.helper_session(5, "1006"))
    ticket = serve(live_server, helper, 5, 4, log="社保卡补办")
    assert Api(live_server.url, live_server.device_token("pad", 5)).post(
        "/api/v1/windows/5/ratings", {"score": 1, "pad_seq": 1}).status_code == 201
    assert ticket["number"]
    everything = set(_events_seen(live_server, live_server.helper_session(6, "1007")))
    assert {"ticket.issued", "ticket.finished", "rating.recorded", "followup.opened"} <= everything
    for kind in ("kiosk", "display"):
        seen = set(_events_seen(live_server, live_server.device_token(kind)))
        assert "ticket.issued" in seen and "ticket.called" in seen, (kind, seen)
        assert not seen & {"followup.opened", "rating.recorded", "rating.requested"}, (kind, seen)
    pad = set(_events_seen(live_server, live_server.device_token("pad", 5)))
    assert pad == {"rating.requested", "rating.recorded"}
    case = helper.post("/api/v1/cases", {"matter_id": 11, "applicant": "刘䶮", "applicant_kind": "person",
                                         "id_number": "11010519491231002X", "phone": "13912345678", "delivery": "ems"})
    assert case.status_code == 201, case.text
    window = set(_events_seen(live_server, live_server.device_token("window", 5)))
    assert "ticket.called" in window and "followup.opened" not in window
    assert "case.changed" in window  # the case panel follows other terminals' and halls' steps
    assert "case.changed" not in set(_events_seen(live_server, live_server.device_token("kiosk")))
