"""The generated page is drawn exactly where its true corners say, so the accuracy figures measure the detector.

OpenCV puts pixel i's centre at i: a page mapped from 0..width instead of
-0.5..width-0.5 was drawn half a pixel off its truth, and a page warped over a black
border took a dark rim at its edge, which both shrank it and made a white page on a
white desk easier to see than any real one.
"""

import cv2
import numpy as np
import pytest

from kiosk.demo_camera.scenes import make_scene


def _edge_offsets(scene) -> np.ndarray:
    """Outward distance (pixels) from each true side to where the frame crosses halfway from page to desk."""
    img = scene.image.astype(np.float32).mean(axis=2)
    quad = scene.corners
    centre = quad.mean(axis=0)
    offsets = np.linspace(-6, 6, 121, dtype=np.float32)
    found = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = (b - a) / np.linalg.norm(b - a)
        n = np.array([-d[1], d[0]], np.float32)
        if np.dot(n, centre - a) > 0:
            n = -n
        along = (a + (b - a) * np.linspace(0.15, 0.85, 60, dtype=np.float32)[:, None])
        pts = along[:, None, :] + offsets[None, :, None] * n
        profile = cv2.remap(img, np.ascontiguousarray(pts[..., 0]), np.ascontiguousarray(pts[..., 1]),
                            cv2.INTER_LINEAR).mean(axis=0)
        half = (profile[:20].mean() + profile[-20:].mean()) / 2
        crossings = np.flatnonzero(np.diff(np.sign(profile - half)))
        found.append(offsets[crossings[np.argmin(np.abs(offsets[crossings]))]])
    return np.array(found)


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_page_outline_lies_on_the_true_corners(seed):
    scene = make_scene(np.random.default_rng(seed), kind="a4_text", background="dark")
    assert np.abs(_edge_offsets(scene)).max() <= 0.25
