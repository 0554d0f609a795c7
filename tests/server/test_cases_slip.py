"""The 受理单 as the printer prints it: its QR code, read by zbar, opens the case's own page."""

import requests
from pyzbar import pyzbar
from PIL import Image

from devices.printer import AcceptanceSlip, ReceiptPrinter
from devices.printer.simulator import PrinterSimulator
from tests.server.test_cases import PERSON, coordinator, helper
from tests.conftest import hall_today


def test_the_acceptance_slip_s_qr_code_opens_the_case_s_page(sqlite_server, tmp_path):
    agent = helper(sqlite_server)
    cid = agent.post("/api/v1/cases", PERSON).json()["id"]
    case = coordinator(sqlite_server).post(f"/api/v1/cases/{cid}/steps", {"action": "accept"}).json()
    case = agent.get(f"/api/v1/cases/{cid}").json()  # in full, as its helper prints it
    slip = AcceptanceSlip(number=case["number"], applicant=case["applicant"], id_number=case["id_number"],
                          category="投资建设", matter_name=case["matter"], service_type="代办", handler=case["applicant"],
                          phone=case["phone"], handed_over_on=hall_today(), helper_name=case["helper"]["name"],
                          hall_name=case["hall"]["name"], status_url=case["status_url"], query_code=case["public_code"])
    sim = PrinterSimulator(port=0, out_dir=tmp_path / "printer", paper_mm=80).start()
    try:
        printer = ReceiptPrinter({"backend": "network", "host": "127.0.0.1", "port": sim.port,
                                  "profile": "generic-80-gb18030", "timeout_s": 2.0})
        printer.print_form(slip)
        (job,) = sim.wait_for_jobs(1)
    finally:
        sim.stop()
    text = "".join(job.text)
    assert f"查询码：{case['public_code']}" in text and "扫码查看代办进度" in text
    (url,) = [s.data.decode() for s in pyzbar.decode(Image.open(job.png_path).convert("L"))]
    assert url == case["status_url"]
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and case["number"] in page.text and "已受理" in page.text
    assert "刘*" in page.text and "002X" not in page.text
