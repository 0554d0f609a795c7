"""Pages out: JPEG bytes, and a multi-page PDF whose pages have the documents' real sizes."""

import re

import cv2
import numpy as np

from devices.camera import CaptureResult, to_jpeg, to_pdf
from kiosk.demo_camera.scenes import render_document

PT_PER_MM = 72 / 25.4


def page_sizes_mm(path) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", path.read_bytes())
    return [(float(w) / PT_PER_MM, float(h) / PT_PER_MM) for w, h in boxes]


def test_jpeg_round_trip_keeps_the_page():
    page = render_document("a4_text", np.random.default_rng(1), px_per_mm=4)
    data = to_jpeg(page, quality=85)
    assert data[:2] == b"\xff\xd8"
    back = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert back.shape == page.shape
    assert np.abs(back.astype(int) - page.astype(int)).mean() < 4


def test_pdf_pages_have_true_physical_sizes(tmp_path):
    a4 = render_document("a4_form", np.random.default_rng(2), px_per_mm=7)  # portrait, aspect 1.414
    card = render_document("id_card", np.random.default_rng(3), px_per_mm=12)  # landscape, 1.586
    receipt = render_document("receipt", np.random.default_rng(4), px_per_mm=8)  # unknown kind: by dpi
    capture = CaptureResult(card, np.zeros((4, 2), np.float32), True, "已拍好。", "color", (85.6, 54.0))
    path = tmp_path / "materials.pdf"
    to_pdf([a4, capture, receipt], path, dpi=200)
    sizes = page_sizes_mm(path)
    assert len(sizes) == 3
    assert np.allclose(sizes[0], (210, 297), atol=0.5)
    assert np.allclose(sizes[1], (85.6, 54.0), atol=0.5)
    h, w = receipt.shape[:2]
    assert np.allclose(sizes[2], (w / 200 * 25.4, h / 200 * 25.4), atol=0.5)


def test_a4_document_page_in_pdf_stays_small(tmp_path):
    page = render_document("a4_text", np.random.default_rng(5), px_per_mm=10)
    path = tmp_path / "a4.pdf"
    to_pdf([page], path)
    assert path.stat().st_size < 500 * 1024
