"""The kiosk's capture step as a citizen meets it: the outline and "已框住" follow the frame on
screen, the 拍照 button says it will take the whole frame when no page is seen, and 拍照 lines
up with the button below it. A real kiosk process under Xvfb, its camera a folder of frames
whose contents the test swaps (a page on the desk, then the empty desk)."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from kiosk.ui.common.camera_feed import FRAME_PERIOD_S, NO_PAGE, PAGE_FRAMED, TAKE_WHOLE_FRAME, CameraFeed

BUTTON_RGB = (0x2F, 0x6D, 0xB5)  # THEME.button
OUTLINE_BGR = (80, 220, 80)  # the feed's outline colour


@pytest.fixture
def desk_frames(tmp_path) -> dict[str, Path]:
    """One frame with a page on a wooden desk, and the same desk with the page gone."""
    from devices.camera import find_page
    from kiosk.demo_camera.scenes import make_scene

    scene = make_scene(np.random.default_rng(7), (1280, 720), kind="a4_text", background="wood")
    assert find_page(scene.image) is not None
    empty = np.empty_like(scene.image)
    empty[:] = np.median(scene.image[:40].reshape(-1, 3), axis=0)
    empty = cv2.add(empty, np.random.default_rng(1).integers(0, 12, empty.shape, dtype=np.uint8))
    assert find_page(empty) is None
    paths = {"page": tmp_path / "page.jpg", "empty": tmp_path / "empty.jpg"}
    cv2.imwrite(str(paths["page"]), scene.image)
    cv2.imwrite(str(paths["empty"]), empty)
    return paths


def show(camera: Path, frame: Path) -> None:
    """Put `frame` in front of the camera (the folder's only image), atomically."""
    camera.mkdir(exist_ok=True)
    staged = camera / ".next.jpg.tmp"
    shutil.copy(frame, staged)
    staged.replace(camera / "frame.jpg")


def outline_pixels(image: np.ndarray) -> int:
    return int(np.all(np.abs(image.astype(int) - OUTLINE_BGR) < 30, axis=2).sum())


def test_outline_and_found_go_with_the_first_frames_after_the_page_leaves(desk_frames, tmp_path):
    # counted in frames, not milliseconds (a shared test machine stretches time): at the feed's
    # 15 frames a second, two frames are 133 ms, within the 200 ms a citizen may wait
    camera = tmp_path / "camera"
    show(camera, desk_frames["page"])
    feed = CameraFeed({"file": str(camera), "retry_s": 0.1})
    feed.start()
    try:
        deadline = time.monotonic() + 10
        while not ((frame := feed.preview()) and frame.found):
            assert time.monotonic() < deadline, "the page was never found"
            time.sleep(0.01)
        assert outline_pixels(frame.image) > 500
        show(camera, desk_frames["empty"])
        left, seq = time.monotonic(), feed.preview().seq
        while (frame := feed.preview()).found or outline_pixels(frame.image) > 50:
            assert time.monotonic() - left < 5, "the outline stayed over the empty desk"
            time.sleep(0.005)
        frames, gone_after = frame.seq - seq, time.monotonic() - left
    finally:
        feed.stop()
    print(f"outline and 已框住 gone {frames} frames, {gone_after * 1000:.0f} ms after the page left")
    assert frames <= 2
    assert 2 * FRAME_PERIOD_S < 0.2


def button_bands(shot: Path) -> list[tuple[int, int, int]]:
    """(top row, bottom row, left column) of each full-width run of rows showing button blue."""
    rgb = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    blue = np.all(np.abs(rgb - BUTTON_RGB) < 6, axis=2)
    rows = blue.sum(axis=1) > 0.2 * rgb.shape[1]
    bands, start = [], None
    for y, on in enumerate(np.append(rows, False)):
        if on and start is None:
            start = y
        elif not on and start is not None:
            if y - start > 20:
                cols = np.flatnonzero(blue[start:y].sum(axis=0) > 0.8 * (y - start))
                bands.append((start, y - 1, int(cols[0])))
            start = None
    return bands


def test_capture_screen_says_what_it_sees_and_its_buttons_line_up(start_kiosk, printer, desk_frames, tmp_path):
    camera = tmp_path / "camera"
    show(camera, desk_frames["page"])
    kiosk = start_kiosk(printer=printer, camera=camera, size="1080x1920")
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 帮办", "tap 企业开办", "tap 企业设立登记", "tap 下一步", "tap 老年人", "tap 跳过",
             "await camera", "shot capture-page")
    kiosk.done(timeout=60)
    assert kiosk.state["camera"] == PAGE_FRAMED
    show(camera, desk_frames["empty"])
    kiosk.wait_for(lambda s: s["camera"] == NO_PAGE, timeout=5, what="no page seen")
    kiosk.do("shot capture-empty", f"tap {TAKE_WHOLE_FRAME}")
    taken = kiosk.wait_for(lambda s: s["pages"] == 1, timeout=20, what="the whole frame taken")
    assert "没有找到材料的边缘" in taken["camera"]
    kiosk.do("tap 重拍这页", "shot capture-after-retake")  # back to live: the review's button must not linger
    kiosk.done(timeout=30)

    deadline = time.monotonic() + 10
    while len(shots := {shot["name"]: Path(shot["path"]) for shot in kiosk.shots()}) < 3:
        assert time.monotonic() < deadline, f"only these screenshots were taken: {sorted(shots)}"
        time.sleep(0.1)
    for name in ("capture-page", "capture-after-retake"):
        bands = button_bands(shots[name])
        take, done = bands[-2], bands[-1]  # 拍照, then 不拍了，跳过 below it
        assert take[2] == done[2], f"{name}: 拍照 starts at x={take[2]}, the button below at x={done[2]}"
