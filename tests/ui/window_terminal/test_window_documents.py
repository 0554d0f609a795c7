"""The window terminal's documents, document camera, forms and referrals, as a helper uses
them: a real server, the printer simulator on a real socket, a folder of generated camera
frames standing in for the 高拍仪. Each app runs in its own process (drivers/window_driver.py)."""
from __future__ import annotations

import io
import shutil
import uuid
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from kiosk.client import ApiClient

F1, F6, F7, F8 = 282, 287, 288, 289


@pytest.fixture(scope="module")
def camera_frames(tmp_path_factory) -> Path:
    """Three frames of a page lying on a desk, as the document camera would see them."""
    from devices.camera import find_page
    from kiosk.demo_camera.scenes import make_scene

    folder = tmp_path_factory.mktemp("camera")
    scene = make_scene(np.random.default_rng(7), (1280, 720), kind="a4_form", background="dark")
    assert find_page(scene.image) is not None  # the scene is a fair one: its edges can be seen
    for i in range(3):
        cv2.imwrite(str(folder / f"frame{i}.jpg"), scene.image)
    return folder


@pytest.fixture
def printer(tmp_path):
    from devices.printer.simulator import PrinterSimulator

    sim = PrinterSimulator(port=0, out_dir=tmp_path / "paper").start()
    yield sim
    sim.stop()


def start_window(start_driver, server, folder: Path, window: int, *extra: str):
    return start_driver("window_driver.py", folder, "--url", server.url, "--window", str(window),
                        "--token", server.device_token("window", window), "--data", str(folder / "data"), *extra)


def sign_in_and_call(terminal, code: str, number: str) -> dict:
    terminal.command(f"type code {code}")
    terminal.command("type pin 246810")
    terminal.command("tap sign_in_button")
    terminal.wait_for(lambda s: s["screen"] == "serve", what="the serve screen")
    terminal.command(f"key {F1}")
    return terminal.wait_for(lambda s: s["ticket"] == number and s["status"] == "called", what=f"{number} called")


def png_page() -> bytes:
    """A flat form page, as a kiosk's capture uploads it."""
    from kiosk.demo_camera.scenes import render_document

    page = render_document("a4_form", np.random.default_rng(3), px_per_mm=2.0)
    return cv2.imencode(".png", page)[1].tobytes()


def pdf_page(tmp_path: Path) -> bytes:
    from devices.camera import to_pdf

    to_pdf([np.full((594, 420, 3), 240, np.uint8)], tmp_path / "page.pdf")
    return (tmp_path / "page.pdf").read_bytes()


def test_pages_from_the_kiosk_are_viewed_and_a_new_page_is_captured(sqlite_server, start_driver, kiosk_api,
                                                                   queue_ids, camera_frames, tmp_path):
    ticket = kiosk_api.issue_ticket(queue_id=queue_ids["C"])
    kiosk_api.upload_document(ticket["id"], png_page(), "image/png", uuid.uuid4().hex)  # as the kiosk did
    kiosk_api.upload_document(ticket["id"], pdf_page(tmp_path), "application/pdf", uuid.uuid4().hex)
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3, "--camera", str(camera_frames))
    sign_in_and_call(terminal, "1004", ticket["number"])
    terminal.wait_for(lambda s: s["pages"] == [1, 2] and s["documents"] == "共 2 页", what="the two pages listed")
    terminal.command("shot documents_panel")

    terminal.command("page 1")
    shown = terminal.wait_for(lambda s: s.get("dialog_image"), what="page 1 shown large")
    assert shown["dialog_image"] == list(Image.open(io.BytesIO(png_page())).size)
    terminal.command("shot page_viewer")
    terminal.command("close")
    terminal.command("page 2")
    pdf = terminal.wait_for(lambda s: s.get("dialog_note", "").startswith("PDF 文件"), what="the PDF's note")
    assert pdf["dialog_note"].startswith("PDF 文件，共 1 页")
    terminal.command("close")

    terminal.command("tap capture_button")
    live = terminal.wait_for(lambda s: s.get("dialog_live") and "绿框" in s["dialog_message"],
                             what="the live preview with the page outline")
    assert live["dialog"].startswith("拍摄材料")
    terminal.command("shot capture_dialog")
    terminal.command("press take_button")
    terminal.wait_for(lambda s: s.get("dialog_reviewing") and "已拍好" in s["dialog_message"], what="the review")
    terminal.command("shot capture_review")
    terminal.command("press keep_button")
    terminal.wait_for(lambda s: s.get("dialog_sent") == 1, what="the page kept")
    terminal.command("close")
    terminal.wait_for(lambda s: s["pages"] == [1, 2, 3], what="the captured page listed")

    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(4, code="1008"))
    stored = helper.ticket_documents(ticket["id"])
    assert [(d["page"], d["content_type"]) for d in stored] == [(1, "image/png"), (2, "application/pdf"),
                                                                (3, "image/jpeg")]
    page = helper.request("GET", f"/api/v1/documents/{stored[2]['id']}").content
    image = Image.open(io.BytesIO(page))
    assert image.format == "JPEG" and max(image.size) > 400  # the flattened page at full resolution, not the preview
    assert not list((tmp_path / "window" / "data" / "outbox_w3").glob("*.jpg"))  # nothing left waiting


def test_an_acceptance_slip_is_printed_and_paper_out_is_said(sqlite_server, start_driver, kiosk_api, queue_ids,
                                                            printer, tmp_path):
    ticket = kiosk_api.issue_ticket(queue_id=queue_ids["C"], phone="13800138000")
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3,
                            "--printer-port", str(printer.port), "--hall-name", "示范县政务服务中心")
    called = sign_in_and_call(terminal, "1004", ticket["number"])
    assert called["print_label"] == "打印表单\nF8" and called["capture_label"] == "本窗口未配置高拍仪"
    terminal.command("type log_who 王小明")
    terminal.command(f"key {F8}")  # F8: print a form
    opened = terminal.wait_for(lambda s: s["dialog"] and s["dialog"].startswith("打印表单") and s.get("dialog_values"),
                               what="the print dialog")
    values = opened["dialog_values"]
    assert (values["number"], values["applicant"], values["helper_name"], values["phone"]) == \
        (ticket["number"], "王小明", "周𠮷", "13800138000")
    assert values["category"] == "企业开办" or values["category"] == ""  # a queue ticket may have no matter
    assert "证件号码" in opened["dialog_message"]  # what is missing is asked for

    terminal.command("press print_button")
    missing = terminal.wait_for(lambda s: s.get("dialog_message", "").startswith("还缺："),
                                what="the missing fields named")
    assert "证件号码" in missing["dialog_message"]
    terminal.command("fill id_number 370902199001011234")
    terminal.command("fill category 企业开办")
    terminal.command("fill matter_name 企业设立登记")
    terminal.wait_for(lambda s: s.get("dialog_message") == "受理单已填好，请核对后打印", what="nothing missing")
    terminal.command("shot print_dialog")
    terminal.command("press print_button")
    terminal.wait_for(lambda s: "已打印" in s.get("dialog_message", ""), what="printed")
    job = printer.wait_for_jobs(1)[0]
    text = "\n".join(job.text)
    assert ticket["number"] in text and "周𠮷" in text and "示范县政务服务中心" in text and "王小明" in text
    assert "企业设立登记" in text

    printer.set_fault("paper_out")
    terminal.command("press print_button")
    out = terminal.wait_for(lambda s: "缺纸" in s.get("dialog_message", ""), what="the paper-out message")
    assert "请工作人员更换纸卷" in out["dialog_message"]
    terminal.command("shot print_paper_out")
    assert len(printer.jobs) == 1  # nothing printed while out of paper


def test_a_page_captured_while_the_server_is_down_is_uploaded_after_it_returns_then_a_referral(
        sqlite_server, start_driver, kiosk_api, queue_ids, camera_frames, tmp_path):
    ticket = kiosk_api.issue_ticket(queue_id=queue_ids["C"])
    camera = tmp_path / "camera"  # empty: the camera is unplugged
    camera.mkdir()
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3, "--camera", str(camera))
    sign_in_and_call(terminal, "1004", ticket["number"])
    terminal.wait_for(lambda s: s["documents"] == "尚无材料", what="no pages yet")

    sqlite_server.stop()
    terminal.command(f"key {F7}")  # F7: capture pages
    unplugged = terminal.wait_for(lambda s: "未找到高拍仪" in s.get("dialog_message", ""), what="the camera fault said")
    assert unplugged["dialog_message"] == "未找到高拍仪，请检查高拍仪的 USB 线是否插好，然后重试。"
    assert not unplugged["dialog_live"]
    terminal.command("shot capture_no_camera")
    for frame in camera_frames.iterdir():  # plugged in: the preview comes back by itself
        shutil.copy(frame, camera / frame.name)
    terminal.wait_for(lambda s: s.get("dialog_live"), what="the live preview")
    terminal.command("press take_button")
    terminal.wait_for(lambda s: s.get("dialog_reviewing"), what="the review")
    terminal.command("press keep_button")
    terminal.wait_for(lambda s: s.get("dialog_sent") == 1, what="the page kept")
    outbox = tmp_path / "window" / "data" / "outbox_w3"
    assert len(list(outbox.glob("*.jpg"))) == 1  # on disk while the server is away
    terminal.command("close")
    terminal.wait_for(lambda s: "1 页待上传" in s["documents"], what="the page shown as waiting")

    sqlite_server.start()
    terminal.wait_for(lambda s: s["pages"] == [1], timeout=30, what="the page uploaded after the restart")
    assert not list(outbox.glob("*.jpg"))
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(4, code="1008"))
    assert [d["content_type"] for d in helper.ticket_documents(ticket["id"])] == ["image/jpeg"]

    terminal.command(f"key {F6}")
    dialog = terminal.wait_for(lambda s: s["dialog"] and "转办" in s["dialog"], what="the transfer dialog")
    terminal.command("note 需街道核实户籍")
    terminal.command("shot transfer_dialog")
    terminal.command("choose 城关街道便民服务中心")
    terminal.wait_for(lambda s: "已转至" in s["message"] and s["ticket"] == "", after=dialog, what="the referral")
    township = ApiClient(sqlite_server.url, sqlite_server.device_token("admin", hall="township"))
    incoming = township._json("GET", "/api/v1/referrals", params={"direction": "in"})
    assert [(r["number"], r["helper"]["name"], r["note"]) for r in incoming] == \
        [(ticket["number"], "周𠮷", "需街道核实户籍")]
    assert helper.ticket(ticket["id"])["outcome"] == "referred"
