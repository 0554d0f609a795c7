"""Receipts of an Inner Mongolian hall: the fixed texts' Mongolian printed as images of the shaped
text above their Chinese, the same pixels the shaping engine makes; a Chinese-only receipt unchanged."""

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from devices.printer import ReceiptPrinter, TicketReceipt
from devices.printer.mongolian_raster import mongolian_picture
from devices.printer.sim_render import MARGIN
from devices.printer.simulator import PrinterSimulator
from devices.printer.templates import fit_scale
from devices.text import find_mongolian_font
from kiosk.domain.words_mn import receipt_words

pytestmark = pytest.mark.skipif(find_mongolian_font() is None, reason="apt-get install fonts-noto-core")
SHOTS = Path("/work/shots/mongolian")
# sha256 of today's (before Mongolian) bytes for this ticket, taken from main at 3bc5f52
TODAY = {"generic-80-gb18030": "7869bafb171bb033c972a522140350f072866981872b43374db1776d75eef61a",
         "generic-58-raster": "835cd7a940ce0c75c518cdeedc501223514b7ca8f93c38f4fa99fbc18cb5b27f"}
PAPERS = {"generic-80-gb18030": 80, "generic-58-raster": 58}


def ticket(mongolian: bool = False) -> TicketReceipt:
    t = TicketReceipt(hall_name="示范县政务服务中心", number="A012", service_type="帮办", matter_name="营业执照办理",
                      waiting_ahead=3, estimated_wait_s=600, issued_at=datetime(2026, 12, 7, 9, 30),
                      status_url="http://hall.example/t/abc")
    if mongolian:
        t.mongolian = receipt_words(t.hall_name, f"监督投诉电话：{t.complaint_phone}")
    return t


@pytest.mark.parametrize("profile", list(TODAY))
def test_a_chinese_only_receipt_is_byte_identical_to_today(profile):
    printer = ReceiptPrinter({"backend": "file", "path": "/dev/null", "profile": profile})
    assert hashlib.sha256(printer.ticket_bytes(ticket())).hexdigest() == TODAY[profile]
    assert printer.ticket_bytes(ticket(mongolian=True)) != printer.ticket_bytes(ticket())


@pytest.mark.parametrize("profile", list(TODAY))
def test_the_printed_mongolian_is_the_engine_s_shaped_text_and_fits_the_paper(profile, tmp_path):
    paper = PAPERS[profile]
    with PrinterSimulator(port=0, out_dir=tmp_path, paper_mm=paper) as sim:
        printer = ReceiptPrinter({"host": "127.0.0.1", "port": sim.port, "profile": profile})
        printer.print_ticket(ticket(mongolian=True))
        job = sim.wait_for_jobs(1)[0]
    page = np.asarray(Image.open(job.png_path).convert("L")) < 128
    width = printer.profile.width_dots
    # the hall name's Mongolian is the first thing on the paper, centred, at its heading's size
    size = 24 * fit_scale("示范县政务服务中心", width)
    expected = mongolian_picture(receipt_words("示范县政务服务中心", "")["示范县政务服务中心"], size, width)
    assert expected.width <= width
    strip = Image.new("L", (width, expected.height), 255)
    strip.paste(expected, ((width - expected.width) // 2, 0))
    printed = page[MARGIN: MARGIN + expected.height, MARGIN: MARGIN + width]
    wanted = np.asarray(strip) < 128
    agree = (printed & wanted).sum() / max(1, (printed | wanted).sum())
    assert agree > 0.95
    # and a wrong text does not pass: the engine's "排队凭条" in the same place
    other = np.zeros_like(wanted)
    wrong = np.asarray(mongolian_picture(receipt_words("", "")["排队凭条"], size, width)) < 128
    other[: min(wrong.shape[0], other.shape[0]), : wrong.shape[1]] = wrong[: other.shape[0], : other.shape[1]]
    assert (printed & other).sum() / max(1, (printed | other).sum()) < 0.5
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(job.png_path, SHOTS / f"receipt_mn-zh_{paper}mm.png")
