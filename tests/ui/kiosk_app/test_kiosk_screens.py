"""Every kiosk screen, in normal and elder mode, portrait (1080x1920) and landscape (1280x800),
taken in one app process by walking a real flow; saved under /tmp/kiosk-shots. Each shot comes
with the driver's check of every label on screen: none clipped, none with a character that no
font in the chain can draw (a box)."""
from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

SHOTS = Path("/tmp/kiosk-shots")
SIZES = {"portrait": "1080x1920", "landscape": "1280x800"}
SCREENS = ["welcome", "category", "matter", "matter-search", "notice", "priority", "phone", "capture",
           "capture-review", "confirm", "ticket"]


def walk(prefix: str) -> list[str]:
    """The taps of one whole visit, with a screenshot of every screen on the way."""
    s = lambda name: f"shot {prefix}-{name}"  # noqa: E731
    return [s("welcome"), "tap 帮办", s("category"), "tap 企业开办", s("matter"), "tap 搜索", "tap Q", "tap Y",
            s("matter-search"), "tap 企业设立登记", s("notice"), "tap 下一步", s("priority"), "tap 老年人",
            *[f"tap {d}" for d in "1380000"], s("phone"), *[f"tap {d}" for d in "0000"], "tap 确定",
            "await camera", s("capture"), "tap 拍照", "await camera", s("capture-review"), "tap 拍完了",
            s("confirm"), "tap 确认取号", s("ticket"), "tap 完成"]


def test_every_screen_in_both_modes_and_orientations(start_kiosk, printer, camera_frames):
    kiosk = start_kiosk(printer=printer, camera=camera_frames, size=SIZES["portrait"])
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    for orientation, size in SIZES.items():
        kiosk.do(f"size {size}")
        for mode in ("normal", "elder"):
            kiosk.do(f"elder {'on' if mode == 'elder' else 'off'}", *walk(f"{orientation}-{mode}"))
            kiosk.done(timeout=90)
    shots = {shot["name"]: shot for shot in kiosk.shots()}
    expected = [f"{o}-{m}-{n}" for o in SIZES for m in ("normal", "elder") for n in SCREENS]
    assert sorted(shots) == sorted(expected)

    SHOTS.mkdir(exist_ok=True)
    problems = []
    for name in expected:
        shot = shots[name]
        shutil.copy(shot["path"], SHOTS / f"{name}.png")
        orientation, mode, screen = name.split("-", 2)
        assert shot["screen"] == screen.split("-")[0], name
        assert shot["elder"] == (mode == "elder"), name
        assert Image.open(shot["path"]).size == tuple(int(x) for x in SIZES[orientation].split("x")), name
        if shot["clipped"] or shot["missing"]:
            problems.append((name, shot["clipped"], shot["missing"]))
    assert problems == []
