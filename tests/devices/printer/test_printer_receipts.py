"""Every receipt, in both text modes and on both paper widths, printed to the simulator and read back."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from devices.printer import load_profile
from printer_pixels import decode_qr, ink_bands
from printer_samples import LONG_MATERIALS, PROFILES, STATUS_URL, make_forms, make_ticket, printer_for

MODES = sorted(PROFILES)
FORMS = make_forms()


def _joined(job) -> str:
    return re.sub(r"\s+", "", "".join(job.text))


def _print(simulator, paper, mode, print_call):
    sim = simulator(paper_mm=paper)
    profile = PROFILES[(paper, mode)]
    printer = printer_for(sim, profile)
    result = print_call(printer)
    (job,) = sim.wait_for_jobs(1)
    return load_profile(profile), result, job


def _common_checks(profile, result, job, mode):
    assert result.mode == mode
    assert result.confirmed == profile.status_query
    assert job.cut == profile.cutter
    assert job.too_wide() == [], "nothing may be wider than the paper"
    page = Image.open(job.png_path)
    assert page.width >= profile.width_dots
    assert len(ink_bands(page)) > 10, "the receipt has rows of print"
    if mode == "native":
        assert job.images == [], "a full GB18030 printer needs no images for text"
        assert all(line.chinese_mode for line in job.lines if not line.text.isascii())
        text = _joined(job).replace(STATUS_URL, "")
        assert "?" not in text and "\ufffd" not in text, "no character became '?'"
    else:
        assert job.lines == [], "a raster printer gets no text to decode with its own fonts"
        assert job.images


@pytest.mark.parametrize("paper,mode", MODES)
def test_ticket_prints_number_wait_qr_and_notices(simulator, paper, mode):
    ticket = make_ticket(materials=LONG_MATERIALS)
    profile, result, job = _print(simulator, paper, mode, lambda p: p.print_ticket(ticket))
    _common_checks(profile, result, job, mode)

    assert decode_qr(job.png_path) == [STATUS_URL]
    if mode == "native":
        text = _joined(job)
        for expected in ("许昌市政务服务中心", "A012", "帮办", "企业设立登记", "3人", "约14分钟",
                         "2026-11-2309:30", "一次性告知", "监督投诉电话：12345", "全程免费",
                         "4101**********1234", "138****5678", *[re.sub(r"\s", "", m) for m in LONG_MATERIALS]):
            assert expected in text
        assert "410102199001011234" not in text, "ticket receipts mask the ID number"
        number = next(line for line in job.lines if line.text == "A012")
        assert number.height_mult >= 6 and number.width_mult >= 6, "the number is very large"
        assert not {"¥", "￥"} & set(text), "no price anywhere"


def test_a_ticket_no_staffed_window_serves_promises_no_wait(simulator):
    _, _, job = _print(simulator, 80, "native", lambda p: p.print_ticket(make_ticket(staffed_windows=0)))
    text = _joined(job)
    assert "暂无窗口办理，请到引导台咨询" in text and "分钟" not in text.split("预计等候")[1].split("取号时间")[0]
    _, _, staffed = _print(simulator, 80, "native", lambda p: p.print_ticket(make_ticket(staffed_windows=2)))
    assert "约14分钟" in _joined(staffed)


def test_ticket_without_materials_has_no_notice(simulator):
    _, _, job = _print(simulator, 80, "native", lambda p: p.print_ticket(make_ticket()))
    assert "一次性告知" not in _joined(job)


@pytest.mark.parametrize("paper,mode", MODES)
@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_prints(simulator, paper, mode, name):
    form = FORMS[name]
    profile, result, job = _print(simulator, paper, mode, lambda p: p.print_form(form))
    _common_checks(profile, result, job, mode)
    if mode == "native":
        text = _joined(job)
        assert re.sub(r"\s", "", form.matter_name) in text
        assert "签字" in text or "签名" in text or "委托人" in text, "forms carry signature lines"
        if name == "受理单":
            assert "91411000MA9XYZ1234" in text, "the acceptance slip carries the full credit code"
            assert "■企业开办" in text and "■代办" in text
        if name == "终止单":
            assert "■终止" in text and "申请材料不符合法定条件" in text


def test_receipt_data_rejects_unknown_service_types():
    with pytest.raises(ValueError):
        make_ticket(service_type="加急")
