"""The kiosk of an Inner Mongolian hall ([hall] language = "mn-zh"): Mongolian beside the Chinese
of its screens and buttons, buttons as large as elder mode asks, and a receipt whose fixed texts
print in both languages; a Chinese-only kiosk shows none of it."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from tests.ui.kiosk_app.conftest import Kiosk

SHOTS = Path("/work/shots/mongolian")
SIZE = "1080x1600"


def visit(prefix: str) -> list[str]:
    s = lambda name: f"shot {prefix}-{name}"  # noqa: E731
    return [s("welcome"), "tap 帮办", s("category"), "tap 企业开办", s("matter"), "tap 企业设立登记", s("notice"),
            "tap 下一步", "tap 都不是", "tap 跳过", s("confirm"), "tap 确认取号", s("ticket"), "tap 完成"]


def start(kiosk_display, sqlite_server, printer, folder: Path, language: str, elder: bool = False) -> Kiosk:
    args = ["--url", sqlite_server.url, "--token", sqlite_server.device_token("kiosk"), "--data", str(folder / "data"),
            "--size", SIZE, "--printer-port", str(printer.port), "--language", language]
    return Kiosk(kiosk_display, folder, args + (["--elder"] if elder else []))


def test_a_bilingual_kiosk_visit_screens_and_receipt(kiosk_display, sqlite_server, printer, tmp_path):
    shots = {}
    for language in ("zh", "mn-zh"):
        kiosk = start(kiosk_display, sqlite_server, printer, tmp_path / language, language)
        try:
            kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
            tag = language.replace("-", "")
            kiosk.do(*visit(tag), "elder on", f"shot {tag}-elder-welcome", "elder off")
            kiosk.done(timeout=90)
            shots[language] = {shot["name"].split("-", 1)[1]: shot for shot in kiosk.shots()}
        finally:
            kiosk.stop()
    jobs = printer.wait_for_jobs(2)
    for name, shot in shots["mn-zh"].items():
        assert not shot["clipped"] and not shot["missing"], (name, shot["clipped"], shot["missing"])
        assert not shot["mongolian_spill"], (name, shot["mongolian_spill"])  # each column inside its label
        chinese_only = np.asarray(Image.open(shots["zh"][name]["path"]).convert("L"))
        both = np.asarray(Image.open(shot["path"]).convert("L"))
        assert chinese_only.shape == both.shape == (1600, 1080)
        assert (chinese_only != both).sum() > 500, name  # Mongolian drawn on every screen
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        for language in shots:
            for name, shot in shots[language].items():
                shutil.copy(shot["path"], SHOTS / f"kiosk_{language}_{name}_{SIZE}.png")
        for job, language in zip(jobs, ("zh", "mn-zh")):
            shutil.copy(job.png_path, SHOTS / f"kiosk_receipt_{language}_80mm.png")
    zh, mn = (np.asarray(Image.open(job.png_path).convert("L")) for job in jobs[:2])
    assert mn.shape[0] > zh.shape[0]  # the Mongolian lines add to the receipt's length
