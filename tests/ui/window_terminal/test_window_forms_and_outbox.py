"""The window terminal's plain parts for documents and forms: the forms filled from a ticket
and its case, the outbox that keeps captured pages until the server has them, and a PDF's
page count read with poppler-utils."""
from __future__ import annotations

import shutil
import time
import uuid
from datetime import date

import numpy as np
import pytest

from devices.printer import AcceptanceSlip, SuspensionSlip
from kiosk.client import ApiClient
from kiosk.ui.common.page_outbox import PageOutbox
from kiosk.ui.window_terminal.form_fill import Facts, FormIncomplete, build_form, fields_for
from kiosk.ui.window_terminal.page_images import pdf_summary

TICKET = {"id": 9, "number": "B007", "service_type": "proxy", "matter_id": 3, "phone": "13800138000"}
MATTER = {"id": 3, "name": "企业设立登记", "category": "business"}
CASE = {"id": 2, "number": "DB-2026-0002", "state": "suspended", "matter": "企业设立登记", "applicant": "泰山商贸有限公司",
        "id_number": "91370900MA3C0000X1", "phone": "13800138000", "delivery": "ems", "resume_by": "2026-12-01",
        "reason_name": "申请人未按时提供材料", "deadline": "2026-12-10",
        "steps": [{"action": "suspend", "at": "2026-11-20T09:00:00+08:00"}],
        "items": [{"direction": "received", "name": "公司章程"}, {"direction": "returned", "name": "营业执照"}]}


def facts(case=None, **extra) -> Facts:
    return Facts(ticket=TICKET, matter=MATTER, case=case, helper={"name": "周𠮷", "phone": "13905381004"},
                 today=date(2026, 11, 23), hall_name="示范县政务服务中心", **extra)


def values(kind: str, f: Facts) -> dict[str, str]:
    return {field.name: field.value for field in fields_for(kind, f)}


def test_an_acceptance_slip_for_a_case_is_filled_from_the_case_and_prints_as_data():
    slip = build_form("acceptance", values("acceptance", facts(CASE)))
    assert slip == AcceptanceSlip(number="DB-2026-0002", applicant="泰山商贸有限公司", id_number="91370900MA3C0000X1",
                                  category="企业开办", matter_name="企业设立登记", service_type="代办",
                                  handler="泰山商贸有限公司", phone="13800138000", handed_over_on=date(2026, 11, 23),
                                  helper_name="周𠮷", hall_name="示范县政务服务中心")


def test_a_suspension_slip_takes_the_reason_deadline_and_day_from_the_case():
    slip = build_form("suspension", values("suspension", facts(CASE)))
    assert isinstance(slip, SuspensionSlip)
    assert (slip.reason, slip.suspended_on, slip.resume_by) == ("申请人未按时提供材料", date(2026, 11, 20),
                                                                 date(2026, 12, 1))
    assert slip.agent_phone == "13905381004"


def test_without_a_case_what_is_missing_is_named_all_at_once():
    known = values("acceptance", facts(log={"who": "王小明"}))
    assert (known["number"], known["applicant"], known["service_type"]) == ("B007", "王小明", "代办")
    with pytest.raises(FormIncomplete) as missing:
        build_form("acceptance", known)
    assert missing.value.labels == ["证件号码或统一社会信用代码"]
    with pytest.raises(FormIncomplete) as wrong:
        build_form("acceptance", {**known, "id_number": "370902199001011234", "handed_over_on": "11月23日"})
    assert "格式如" in wrong.value.message


def test_a_completion_slip_lists_what_was_handed_back_one_item_a_line():
    slip = build_form("completion", {**values("completion", facts(CASE)), "handed_over": "营业执照\n公章"})
    assert slip.handed_over == ["营业执照", "公章"] and slip.delivery == "免费邮寄" and not slip.terminated


def test_a_page_added_while_the_server_is_down_is_sent_once_it_is_back(sqlite_server, tmp_path):
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(3, code="1004"))
    kiosk = ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk"))
    ticket = kiosk.issue_ticket(queue_id=3)
    settled = []
    outbox = PageOutbox(tmp_path / "outbox", lambda: helper,
                        on_settled=lambda meta, stored, refusal: settled.append((stored, refusal)), retry_s=0.2)
    from devices.camera import to_jpeg

    sqlite_server.stop()
    outbox.add(ticket["id"], to_jpeg(np.full((300, 200, 3), 230, np.uint8)))
    outbox.add(999999, to_jpeg(np.full((300, 200, 3), 230, np.uint8)))  # a ticket the server will not know
    outbox.start()
    time.sleep(0.6)
    assert len(outbox.pending()) == 2 and settled == []  # kept, not dropped
    sqlite_server.start()
    deadline = time.monotonic() + 15
    while len(settled) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    outbox.stop()
    assert outbox.pending() == [] and len(list(outbox.rejected.glob("*.jpg"))) == 1  # refused: kept for staff
    assert sorted(bool(refusal) for _, refusal in settled) == [False, True]
    assert [d["content_type"] for d in helper.ticket_documents(ticket["id"])] == ["image/jpeg"]


def test_the_same_key_stores_a_page_once(sqlite_server):
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(3, code="1004"))
    ticket = ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk")).issue_ticket(queue_id=3)
    from devices.camera import to_jpeg

    jpeg, key = to_jpeg(np.full((300, 200, 3), 230, np.uint8)), uuid.uuid4().hex
    first = helper.upload_document(ticket["id"], jpeg, "image/jpeg", key)
    again = helper.upload_document(ticket["id"], jpeg, "image/jpeg", key)  # a retry after a lost answer
    assert first["id"] == again["id"] and len(helper.ticket_documents(ticket["id"])) == 1


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_a_pdf_gives_its_page_count_and_a_first_page_picture(tmp_path):
    from devices.camera import to_pdf

    to_pdf([np.full((594, 420, 3), 240, np.uint8)] * 3, tmp_path / "three.pdf")
    summary = pdf_summary((tmp_path / "three.pdf").read_bytes())
    assert summary.pages == 3 and summary.first_page_png.startswith(b"\x89PNG")
    assert pdf_summary(b"%PDF-1.4 not really").pages is None


def test_the_handover_lists_come_from_the_case_as_the_server_records_it(sqlite_server):
    """The 委托书 lists what was received and the 办结单 what was returned, as the server names them."""
    from tests.server.api import Api

    agent = Api(sqlite_server.url, sqlite_server.helper_session(1, "1003"))
    cid = agent.post("/api/v1/cases", {"matter_id": 11, "applicant": "刘䶮", "applicant_kind": "person",
                                       "id_number": "11010519491231002X", "phone": "13912345678",
                                       "delivery": "pickup"}).json()["id"]
    agent.post(f"/api/v1/cases/{cid}/items", {"direction": "received", "name": "施工合同", "copies": 2})
    agent.post(f"/api/v1/cases/{cid}/items", {"direction": "returned", "name": "施工许可证", "copies": 1})
    case = agent.get(f"/api/v1/cases/{cid}").json()
    assert values("entrustment", facts(case))["materials"] == "施工合同（复印件）×2"
    assert values("completion", facts(case))["handed_over"] == "施工许可证（复印件）×1"
