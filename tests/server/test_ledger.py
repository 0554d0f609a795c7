"""The ledger: every service and case, masked for most, whole for supervisors, as CSV and XLSX."""
import csv
import io

from openpyxl import load_workbook

from tests.server.api import Api
from tests.server.test_cases import PERSON


def a_day_of_work(server):
    kiosk = Api(server.url, server.device_token("kiosk"))
    helper = Api(server.url, server.helper_session(1, "1003"))
    pad = Api(server.url, server.device_token("pad", 1))
    for n in range(3):
        kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help", "phone": f"1391234567{n}"})
        ticket = helper.post("/api/v1/windows/1/call-next").json()
        if n == 2:
            helper.post(f"/api/v1/tickets/{ticket['id']}/no-show")
            continue
        helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": f"第{n + 1}位，已办结"})
        if n == 0:
            pad.post("/api/v1/windows/1/ratings", {"score": 5, "pad_seq": 1})
    helper.post("/api/v1/cases", PERSON)
    return helper


def test_services_ledger_masked_for_helpers(live_server):
    helper = a_day_of_work(live_server)
    ledger = helper.get("/api/v1/ledger/services").json()
    assert [c["title"] for c in ledger["columns"]][:3] == ["号码", "队列", "事项"]
    rows = ledger["rows"]
    assert [r["outcome"] for r in rows] == ["办结", "办结", "过号"]
    assert [r["rating"] for r in rows] == ["非常满意", "未评价", "未评价"]
    assert rows[0]["phone"] == "139****5670" and rows[0]["log"] == "第1位，已办结"


def test_csv_and_xlsx_with_chinese_headers_whole_numbers_for_a_supervisor(sqlite_server):
    a_day_of_work(sqlite_server)
    chief = Api(sqlite_server.url, sqlite_server.helper_session(2, "1001"))
    response = chief.get("/api/v1/ledger/cases", params={"format": "csv", "full": "true"})
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["受理单编号", "事项", "申请人（单位）", "证件号码"]
    assert table[1][2:4] == ["刘䶮", "11010519491231002X"]
    book = load_workbook(io.BytesIO(chief.get("/api/v1/ledger/services", params={"format": "xlsx", "full": "true"}).content))
    sheet = book["服务台账"]
    assert sheet["A1"].value == "号码" and sheet.max_row == 4 and sheet["G2"].value == "13912345670"


def test_a_bad_range_is_refused(sqlite_server):
    helper = Api(sqlite_server.url, sqlite_server.helper_session(1, "1003"))
    bad = helper.get("/api/v1/ledger/services", params={"from": "2026-12-01", "to": "2026-11-01"})
    assert bad.status_code == 422 and "起止日期" in bad.json()["error"]["message"]
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    assert kiosk.get("/api/v1/ledger/services").status_code == 403
