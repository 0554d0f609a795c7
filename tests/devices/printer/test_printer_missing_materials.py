"""The missing-materials slip (补正材料一次性告知单) printed to the simulator on both papers and
in both text modes, and read back."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
import os
import shutil

import pytest
from PIL import Image

from devices.printer.receipts import MissingMaterialsNotice
from devices.printer.templates import missing_materials_document
from printer_pixels import ink_bands
from printer_samples import PROFILES, printer_for

NOTICE = MissingMaterialsNotice(
    hall_name="示范县政务服务中心", matter_name="企业设立登记", department="市场监督管理局",
    missing=["公司章程", "股东主体资格证明", "住所使用证明（房产证或租赁合同及出租方产权证明）"],
    have=["公司登记（备案）申请书", "法定代表人、董事、监事任职文件"], issued_at=datetime(2026, 12, 7, 10, 5),
    time_limit_days=1, address="政务服务中心一楼 3 号窗口", phone="0538-12345", ticket_number="C012",
    helper_name="周𠮷", window=3)


@pytest.mark.parametrize("paper,mode", sorted(PROFILES))
def test_the_slip_lists_every_missing_material(simulator, paper, mode):
    sim = simulator(paper_mm=paper)
    printer_for(sim, PROFILES[(paper, mode)]).print_document(missing_materials_document(NOTICE, 576 if paper == 80 else 384))
    (job,) = sim.wait_for_jobs(1)
    assert job.too_wide() == []
    page = Image.open(job.png_path)
    assert len(ink_bands(page)) > 15
    if os.environ.get("BANGBAN_SHOTS"):
        keep = Path(os.environ["BANGBAN_SHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(job.png_path, keep / f"missing-materials-{paper}-{mode}.png")
    if mode == "native":
        text = re.sub(r"\s+", "", "".join(job.text))
        for expected in ("补正材料一次性告知单", "编号：C012", "还需补充以下3项材料", "1.公司章程", "2.股东主体资格证明",
                         "3.住所使用证明", "已收到的材料", "材料齐全后1个工作日", "周𠮷（3号窗口）",
                         "以上为需补充的全部材料，一次告知，不再另行增加", "监督投诉电话：12345"):
            assert expected in text, expected


def test_nothing_missing_says_so():
    doc = missing_materials_document(MissingMaterialsNotice(
        hall_name="厅", matter_name="事项", department="部门", missing=[], have=["甲"],
        issued_at=datetime(2026, 12, 7, 10, 5)), 576)
    texts = [getattr(b, "text", "") for b in doc.blocks]
    assert "材料已齐全，无需补充。" in texts and not any("还需补充" in t for t in texts)
