"""Issue 18, items 1 to 4: requests an outside probe turned into 500s get a clear 4xx in Chinese,
on SQLite and PostgreSQL alike, and change nothing."""
import pytest
import requests
from sqlalchemy import func, select

from kiosk.server.models import Case, Document, Service
from tests.server.api import Api
from tests.server.test_cases import PERSON
from tests.supervisor.web import Web

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def _chinese_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error
    return error["message"]


# --- 1. an empty Idempotency-Key is no key ------------------------------------------

def test_pages_uploaded_twice_with_an_empty_idempotency_key_are_two_pages(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    for _ in range(2):
        r = requests.post(f"{live_server.url}/api/v1/tickets/{ticket['id']}/documents", data=JPEG, timeout=10,
                          headers={"Authorization": f"Bearer {kiosk.token}", "Content-Type": "image/jpeg",
                                   "Idempotency-Key": ""})
        assert r.status_code == 201, r.text
    with live_server.database.read() as db:
        pages = db.scalars(select(Document.page).where(Document.ticket_id == ticket["id"])).all()
    assert sorted(pages) == [1, 2]


# --- 2. dates at the ends of the calendar -------------------------------------------

ENDS = [{"from": "9999-12-31", "to": "9999-12-31"}, {"from": "0001-01-01", "to": "0001-01-01"},
        {"to": "0001-01-05"}, {"from": "9999-12-01"}]


@pytest.mark.parametrize("path", ["/api/v1/ledger/services", "/api/v1/ledger/cases", "/api/v1/figures",
                                  "/api/v1/figures/services"])
def test_api_reports_refuse_days_no_hall_can_have(live_server, path):
    chief = Api(live_server.url, live_server.helper_session(2, "1001"))
    for params in ENDS:
        message = _chinese_error(chief.get(path, params=params), 422, "bad_range")
        assert "日期" in message


@pytest.mark.parametrize("path", ["/supervisor/ledger", "/supervisor/figures", "/supervisor/ledger/export"])
def test_supervisor_pages_refuse_days_no_hall_can_have(sqlite_server, path):
    web = Web(sqlite_server)
    web.login()
    for params in ENDS:
        r = web.get(path, params=params)
        assert r.status_code == 422, (params, r.status_code, r.text[:300])
        assert "日期超出范围" in r.text


# --- 3. Last-Event-ID that only looks like a number ---------------------------------

@pytest.mark.parametrize("value", ["²", "1³", "¹²"])  # headers are Latin-1: these are its other digits
def test_a_last_event_id_of_other_digits_is_refused(live_server, value):
    display = live_server.device_token("display")
    r = requests.get(live_server.url + "/api/v1/events", timeout=10,
                     headers={"Authorization": f"Bearer {display}", "Last-Event-ID": value})
    _chinese_error(r, 400, "bad_last_event_id")


# --- 4. NUL characters ------------------------------------------------------------

def _nul_refused(response) -> None:
    message = _chinese_error(response, 400, "nul_character")
    assert "空字符" in message


def test_nul_in_a_path_or_query_is_refused_before_any_token_is_looked_at(live_server):
    _nul_refused(requests.get(live_server.url + "/t/a%00b", timeout=10))
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    _nul_refused(kiosk.get("/api/v1/catalog", params={"q": "社保\x00卡"}))
    assert kiosk.get("/api/v1/catalog", params={"q": "社保%00"}).status_code == 200  # "%00" typed is text


def test_nul_in_sign_in_is_refused(live_server):
    terminal = Api(live_server.url, live_server.device_token("window", 1))
    _nul_refused(terminal.post("/api/v1/sessions", {"helper_code": "10\x0006", "pin": "246810", "window": 1}))
    _nul_refused(terminal.post("/api/v1/sessions", {"helper_code": "1006", "pin": "2468\x0010", "window": 1}))
    web = Web(live_server)
    form = web.get("/supervisor/login")
    token = form.text.split('name="login_token" value="', 1)[1].split('"', 1)[0]
    r = web.post("/supervisor/login", {"hall": "1", "code": "10\x0001", "pin": "246810", "login_token": token},
                 allow_redirects=False)
    _nul_refused(r)


def test_a_helper_whose_log_has_a_nul_is_told_and_can_still_finish(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})
    helper = Api(live_server.url, live_server.helper_session(1, "1003"))
    ticket = helper.post("/api/v1/windows/1/call-next").json()
    _nul_refused(helper.post(f"/api/v1/tickets/{ticket['id']}/transfer", {"to_window": 2, "note": "转\x00办"}))
    _nul_refused(helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": "已办\x00结"}))
    # a backslash before "u0000" is text, not a NUL: kept as typed
    done = helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": r"路径 C:\u0000 已办结"})
    assert done.status_code == 200, done.text
    with live_server.database.read() as db:
        assert db.scalar(select(Service.log).where(Service.ticket_id == ticket["id"])) == r"路径 C:\u0000 已办结"


def test_a_case_with_a_nul_in_the_applicant_is_refused_and_not_kept(live_server):
    agent = Api(live_server.url, live_server.helper_session(2, "1003"))
    _nul_refused(agent.post("/api/v1/cases", {**PERSON, "applicant": "刘\x00䶮"}))
    with live_server.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0
    assert agent.post("/api/v1/cases", PERSON).status_code == 201
