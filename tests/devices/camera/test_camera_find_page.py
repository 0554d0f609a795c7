"""find_page on generated frames: corners as the public contract promises, accuracy as SmartDoc measures it."""

import cv2
import numpy as np
import pytest

from devices.camera import find_page
from devices.camera.geometry import smartdoc_iou
from devices.camera.synthetic import make_scene


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


def test_accuracy_on_the_generated_set(accuracy_set):
    """Mean SmartDoc IoU and the share of frames above 0.9, with light and white desks among them.

    The set is seed 99, which the detector was not tuned on (2015 was), drawn by the
    harder generator (rounded, glossy ID cards; phones, keyboards and loose paper on
    cluttered desks). The floors sit just under what it reaches today (see
    benchmarks/docscan.py); a change that lowers them is a regression.
    """
    scores = np.array([smartdoc_iou(find_page(s.image), s.corners, s.doc_size_mm) for s in accuracy_set])
    light = np.array([s.background in ("white", "light_grey") for s in accuracy_set])
    assert light.sum() >= 20
    print(f"mean IoU {scores.mean():.4f}, share > 0.9 {np.mean(scores > 0.9):.3f}, "
          f"light backgrounds {scores[light].mean():.4f}")
    assert scores.mean() >= MEAN_IOU_FLOOR
    assert np.mean(scores > 0.9) >= SHARE_ABOVE_09_FLOOR
    assert scores[light].mean() >= LIGHT_BACKGROUND_FLOOR


# measured today on this set (100 frames, seed 99, the generator drawing pages on their
# true corners without a dark rim): mean 0.970, share 0.95, light backgrounds 0.962
MEAN_IOU_FLOOR = 0.965
SHARE_ABOVE_09_FLOOR = 0.94
LIGHT_BACKGROUND_FLOOR = 0.955
