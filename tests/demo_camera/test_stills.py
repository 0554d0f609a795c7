"""The demo's camera sends stills the size a real document camera takes, and the page captured
from one is large enough to read at the window."""

import cv2

from devices.camera import FileSource, capture
from kiosk.demo_camera.stills import DEMO_STILL_SIZE, prepare_demo_stills, write_demo_stills


def test_demo_stills_are_a_document_cameras_size_and_give_readable_pages(tmp_path):
    (tmp_path / "page0.jpg").write_bytes(b"left by an older demo")
    paths = write_demo_stills(tmp_path)
    assert not (tmp_path / "page0.jpg").exists()
    assert DEMO_STILL_SIZE[0] >= 3264 and DEMO_STILL_SIZE[1] >= 2448
    with FileSource(tmp_path) as source:
        stills = [source.read() for _ in paths]
    for still in stills:
        assert (still.shape[1], still.shape[0]) == DEMO_STILL_SIZE
    result = capture(stills[0])  # an A4 page of Chinese text
    assert result.found
    h, w = result.image.shape[:2]
    print(f"captured A4 page {w}x{h}")
    assert min(h, w) >= 1100  # 360x509 was unreadable; 1100 px across A4 is ~130 dpi


def test_stills_made_in_the_background_appear_whole_and_are_reused(tmp_path):
    worker = prepare_demo_stills(tmp_path)
    seen = set()
    while worker.poll() is None:  # the camera simulator's view meanwhile: whole JPEGs only
        for path in tmp_path.glob("*.jpg"):
            if path not in seen:
                assert cv2.imread(str(path)) is not None
                seen.add(path)
    assert worker.returncode == 0
    first = sorted(tmp_path.glob("*.jpg"))
    assert len(first) == 3
    stamps = [p.stat().st_mtime_ns for p in first]
    assert [p.stat().st_mtime_ns for p in write_demo_stills(tmp_path)] == stamps


def test_file_source_decodes_each_still_once_until_it_changes(tmp_path):
    path = tmp_path / "frame.jpg"
    cv2.imwrite(str(path), cv2.UMat(100, 100, cv2.CV_8UC3, (10, 20, 30)).get())
    with FileSource(tmp_path) as source:
        first, again = source.read(), source.read()
        assert again is first  # not decoded again
        cv2.imwrite(str(tmp_path / "next.jpg"), cv2.UMat(100, 100, cv2.CV_8UC3, (200, 200, 200)).get())
        path.unlink()
        assert source.read().mean() > 150  # a new file is a new frame
