"""Captured pages come out upright: pages of known orientation, in Chinese and in Latin script,
laid on a desk at each quarter turn, photographed at a document camera's still size, captured.

The truth is the page as printed: the captured page must match it better than any turn of it.
A page without enough text stays as photographed (a portrait certificate is not laid across).
"""

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from devices.camera import capture
from devices.camera.page_orientation import rotate_quarter_turns, upright_rotation
from kiosk.demo_camera.scenes import make_scene, render_document
from kiosk.demo_camera.font import font

STILL = (3264, 2448)
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
WORDS = ("the power of attorney is granted to the agent named below for the matter listed "
         "with the signature and date of the applicant").split()


def latin_letter(rng: np.random.Generator) -> np.ndarray:
    """A portrait A4 letter in Latin script: a heading, then left-aligned lines with ragged ends."""
    w, h = 1260, 1782
    page = Image.new("RGB", (w, h), (246, 245, 240))
    draw = ImageDraw.Draw(page)
    draw.text((110, 120), "POWER OF ATTORNEY", font=ImageFont.truetype(LATIN_FONT, 60), fill=(20, 20, 20))
    body = ImageFont.truetype(LATIN_FONT, 34)
    for y in range(280, h - 160, 56):
        draw.text((110, y), " ".join(rng.choice(WORDS, int(rng.integers(5, 10)))), font=body, fill=(20, 20, 20))
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def portrait_certificate() -> np.ndarray:
    """A portrait 荣誉证书: a big title, three lines, a signature line; too little text to turn it by."""
    w, h = 1260, 1782
    page = Image.new("RGB", (w, h), (250, 246, 236))
    draw = ImageDraw.Draw(page)
    draw.rectangle([40, 40, w - 40, h - 40], outline=(180, 30, 30), width=12)
    draw.text((w / 2 - 300, 200), "荣誉证书", font=font(150), fill=(180, 30, 30))
    for k, line in enumerate(["张三同志：", "在二〇二六年度帮办代办工作中", "表现突出，特发此证。"]):
        draw.text((160, 600 + 130 * k), line, font=font(70), fill=(20, 20, 20))
    draw.text((700, 1400), "示范县政务服务中心", font=font(50), fill=(20, 20, 20))
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


PAGES = {
    "chinese_a4": lambda: render_document("a4_text", np.random.default_rng(5), px_per_mm=6),
    "chinese_landscape_certificate": lambda: render_document("certificate", np.random.default_rng(6), px_per_mm=6),
    "latin_a4": lambda: latin_letter(np.random.default_rng(7)),
}


def photograph(page: np.ndarray, turns: int, seed: int) -> np.ndarray:
    """`page` turned by `turns` quarter turns clockwise, slightly tilted, on a wooden desk at STILL size."""
    rng = np.random.default_rng(seed)
    w, h = STILL
    desk = np.empty((h, w, 3), np.uint8)
    desk[:] = (60, 110, 160)
    desk = cv2.add(desk, rng.integers(0, 20, (h, w, 3), dtype=np.uint8))
    turned = rotate_quarter_turns(page, turns)
    ph, pw = turned.shape[:2]
    scale = 0.8 * min(w / pw, h / ph)
    angle = np.radians(rng.uniform(-6, 6))
    rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) * scale
    src = np.float32([[0, 0], [pw, 0], [pw, ph]])
    dst = (src - [pw / 2, ph / 2]) @ rot.T + [w / 2, h / 2]
    m = cv2.getAffineTransform(src, dst.astype(np.float32))
    return cv2.warpAffine(turned, m, (w, h), dst=desk, borderMode=cv2.BORDER_TRANSPARENT)


def turn_that_matches(captured: np.ndarray, truth: np.ndarray) -> int:
    """Which quarter turn of the captured page looks most like the page as printed."""
    grey = cv2.cvtColor(truth, cv2.COLOR_BGR2GRAY).astype(np.float32)
    scores = []
    for turns in range(4):
        turned = cv2.cvtColor(rotate_quarter_turns(captured, turns), cv2.COLOR_BGR2GRAY).astype(np.float32)
        if (turned.shape[0] > turned.shape[1]) != (grey.shape[0] > grey.shape[1]):
            scores.append(-1.0)
            continue
        turned = cv2.resize(turned, grey.shape[::-1], interpolation=cv2.INTER_AREA)
        scores.append(float(np.corrcoef(turned.ravel(), grey.ravel())[0, 1]))
    return int(np.argmax(scores))


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_captured_page_is_turned_upright_by_its_text_lines(name, turns):
    truth = PAGES[name]()
    result = capture(photograph(truth, turns, seed=turns), mode="color")
    assert result.found
    assert turn_that_matches(result.image, truth) == 0, f"{name} photographed at {turns} quarter turns"


def test_portrait_certificate_photographed_upright_stays_portrait():
    truth = portrait_certificate()
    result = capture(photograph(truth, 0, seed=11), mode="color")
    assert result.found
    h, w = result.image.shape[:2]
    assert h > w
    assert turn_that_matches(result.image, truth) == 0


def test_page_without_text_is_not_turned_by_its_shape():
    blank_landscape_a4 = np.full((1260, 1782, 3), 245, np.uint8)
    assert upright_rotation(blank_landscape_a4) == 0


@pytest.mark.parametrize("seed", [1, 3])
def test_landscape_certificate_with_a_blank_middle_stays_landscape(seed):
    # the demo's certificates: title at one end, text at the other; over the whole page
    # the blank middle counted as gaps both ways, and the page's shape then laid it on its side
    scene = make_scene(np.random.default_rng(seed), size=STILL, kind="certificate")
    result = capture(scene.image, mode="color")
    h, w = result.image.shape[:2]
    assert result.found and w > h
