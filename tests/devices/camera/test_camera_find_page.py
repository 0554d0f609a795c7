"""find_page on generated frames: corners as the public contract promises, accuracy as SmartDoc measures it."""

import cv2
import numpy as np
import pytest

from devices.camera import find_page
from devices.camera.geometry import order_corners, smartdoc_iou
from kiosk.demo_camera.scenes import make_scene


def test_corners_are_float32_4x2_clockwise_from_top_left():
    scene = make_scene(np.random.default_rng(1), kind="a4_text", background="dark")
    corners = find_page(scene.image)
    assert corners.shape == (4, 2) and corners.dtype == np.float32
    tl, tr, br, bl = corners
    assert tl.sum() < br.sum()
    assert tr[0] > tl[0] and br[1] > tr[1] and bl[0] < br[0]
    assert smartdoc_iou(corners, scene.corners, scene.doc_size_mm) > 0.95


def test_full_resolution_still_is_handled_directly():
    scene = make_scene(np.random.default_rng(4), size=(4208, 3120), kind="certificate", background="wood")
    corners = find_page(scene.image)
    assert smartdoc_iou(corners, scene.corners, scene.doc_size_mm) > 0.97
    assert corners[:, 0].max() > 1280  # in the still's own pixels, not the detector's


def test_small_id_card_on_a_cluttered_desk():
    scene = make_scene(np.random.default_rng(31), kind="id_card", background="cluttered")
    assert smartdoc_iou(find_page(scene.image), scene.corners, scene.doc_size_mm) > 0.9


def test_id_card_on_a_white_desk_is_the_card_not_its_photo():
    # the grey photo has the sharpest outline in this frame; the card around it shows
    # on the white desk mostly by its tint
    scene = make_scene(np.random.default_rng(54), kind="id_card", background="white")
    assert smartdoc_iou(find_page(scene.image), scene.corners, scene.doc_size_mm) > 0.95


@pytest.mark.parametrize("frame", ["plain_desk", "noise"])
def test_no_page_gives_none(frame):
    rng = np.random.default_rng(5)
    if frame == "plain_desk":
        image = np.full((720, 1280, 3), (90, 120, 150), np.uint8)
        image = cv2.add(image, rng.integers(0, 6, image.shape, dtype=np.uint8))
    else:
        image = rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    assert find_page(image) is None


def plain_canny_and_contours(image: np.ndarray) -> np.ndarray | None:
    """The textbook detector the issue measures against: Canny, contours, the largest 4-gon."""
    scale = 512 / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(grey, 50, 150), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:10]:
        approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
        if len(approx) == 4 and cv2.contourArea(approx) > 0.004 * small.shape[0] * small.shape[1]:
            return order_corners(approx.reshape(4, 2) / scale)
    return None


def _scores(detector, scenes) -> np.ndarray:
    return np.array([smartdoc_iou(detector(s.image), s.corners, s.doc_size_mm) for s in scenes])


def test_accuracy_on_the_generated_set(accuracy_set):
    """Mean SmartDoc IoU and the share of frames above 0.9, with light and white desks among them.

    The set is seed 99, which the detector was not tuned on (2015 and 1 to 4 were) and
    the page net not trained on, drawn by the harder generator (guilloche ID cards held
    in a hand, other cards, cables and cloth on the desk, tilted views, motion blur,
    shot noise). The floors sit just under what it reaches today (see
    benchmarks/docscan.py); the textbook Canny-and-contours detector falls far below.
    """
    scores = _scores(find_page, accuracy_set)
    light = np.array([s.background in ("white", "light_grey") for s in accuracy_set])
    ids = np.array([s.kind == "id_card" for s in accuracy_set])
    assert light.sum() >= 20 and ids.sum() >= 15
    print(f"mean IoU {scores.mean():.4f}, share > 0.9 {np.mean(scores > 0.9):.3f}, "
          f"light backgrounds {scores[light].mean():.4f}, ID cards {scores[ids].mean():.4f}")
    assert scores.mean() >= MEAN_IOU_FLOOR
    assert np.mean(scores > 0.9) >= SHARE_ABOVE_09_FLOOR
    assert scores[light].mean() >= LIGHT_BACKGROUND_FLOOR
    assert scores[ids].mean() >= ID_CARD_FLOOR
    plain = _scores(plain_canny_and_contours, accuracy_set)
    print(f"plain Canny and contours: mean IoU {plain.mean():.4f}")
    assert plain.mean() < MEAN_IOU_FLOOR - 0.3


# measured today on this set (100 frames, seed 99): mean 0.992, share 0.97, light
# backgrounds 0.980, ID cards 0.995; plain Canny and contours 0.50
MEAN_IOU_FLOOR = 0.985
SHARE_ABOVE_09_FLOOR = 0.96
LIGHT_BACKGROUND_FLOOR = 0.97
ID_CARD_FLOOR = 0.98
