"""The shipped page net: small, offline, and it points at the page among the clutter."""

import numpy as np
import pytest

from devices.camera import find_page, page_net
from devices.camera.geometry import smartdoc_iou
from devices.camera.page_detect import NET_SURE
from kiosk.demo_camera.scenes import make_scene


def test_model_is_shipped_small_and_runs_without_downloading_anything():
    assert page_net.MODEL_PATH.exists()
    assert page_net.MODEL_PATH.stat().st_size < 2 * 1024 * 1024
    prob = page_net.page_probability(np.zeros((720, 1280, 3), np.uint8))
    w, h = page_net.INPUT_SIZE
    assert prob.shape == (h // page_net.OUTPUT_STRIDE, w // page_net.OUTPUT_STRIDE)
    assert prob.dtype == np.float32 and 0 <= prob.min() <= prob.max() <= 1


def test_the_page_map_covers_the_true_page_in_held_out_frames(accuracy_set):
    agree = np.array([page_net.agreement(s.corners[None], page_net.page_probability(s.image), s.image.shape[:2])[0]
                      for s in accuracy_set])
    print(f"soft IoU of the page map with the true page: mean {agree.mean():.3f}, "
          f"under 0.5 in {np.mean(agree < 0.5):.2f}")
    assert agree.mean() > 0.9
    assert np.mean(agree < 0.5) < 0.05


def test_a_bare_desk_has_no_page_in_its_map():
    rng = np.random.default_rng(5)
    desk = np.clip(np.full((720, 1280, 3), (90, 120, 150), np.float32) + rng.normal(0, 3, (720, 1280, 3)), 0, 255)
    assert page_net.page_probability(desk.astype(np.uint8)).max() < NET_SURE  # so the detector ignores the map


@pytest.fixture
def without_the_net():
    page_net.set_enabled(False)
    yield
    page_net.set_enabled(True)


def test_find_page_still_works_without_the_net(without_the_net):
    assert not page_net.available()
    scene = make_scene(np.random.default_rng(1), kind="a4_text", background="dark")
    assert smartdoc_iou(find_page(scene.image), scene.corners, scene.doc_size_mm) > 0.95
    assert find_page(np.full((720, 1280, 3), 128, np.uint8)) is None
