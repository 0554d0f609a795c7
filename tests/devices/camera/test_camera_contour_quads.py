"""Quads from contours, all of a frame's contours at once: a page with a clipped corner or a
hand merged with it still gives the page's own outline, and a contour's quads do not depend on
the other contours handed in beside it."""

import cv2
import numpy as np

from devices.camera.contour_quads import quads_from_contour, quads_from_contours

PAGE = np.float32([[100, 80], [420, 95], [410, 330], [90, 320]])


def _contour(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return max(contours, key=cv2.contourArea)


def _nearest(quads: list[np.ndarray], target: np.ndarray) -> float:
    """Largest corner error (pixels) of the quad nearest `target`, corners matched in any rotation."""
    errors = []
    for quad in quads:
        for shift in range(4):
            for q in (np.roll(quad, shift, axis=0), np.roll(quad[::-1], shift, axis=0)):
                errors.append(float(np.linalg.norm(q - target, axis=1).max()))
    return min(errors)


def test_a_page_with_a_hand_over_its_side_still_gives_its_outline():
    mask = np.zeros((400, 500), np.uint8)
    cv2.fillConvexPoly(mask, PAGE.astype(np.int32), 255)
    cv2.ellipse(mask, (420, 220), (60, 25), 10, 0, 360, 255, -1)  # a hand merged with the right side
    quads = quads_from_contour(_contour(mask))
    assert _nearest(quads, PAGE) < 4


def test_a_page_with_a_corner_cut_off_still_gives_its_outline():
    mask = np.zeros((400, 500), np.uint8)
    cv2.fillConvexPoly(mask, PAGE.astype(np.int32), 255)
    cv2.fillConvexPoly(mask, np.int32([[380, 80], [430, 80], [430, 140]]), 0)  # the top right corner folded
    quads = quads_from_contour(_contour(mask))
    assert _nearest(quads, PAGE) < 4


def test_contours_handed_in_together_give_each_one_its_own_quads():
    shapes = []
    for k, points in enumerate(([(50, 50), (200, 40), (210, 160), (60, 170), (20, 110)],
                                [(300, 60), (460, 70), (450, 200), (310, 190)],
                                [(80, 250), (250, 240), (300, 300), (240, 380), (90, 370), (60, 320)])):
        mask = np.zeros((400, 500), np.uint8)
        cv2.fillPoly(mask, [np.int32(points)], 255)
        shapes.append(_contour(mask))
    together = quads_from_contours(shapes)
    alone = [q for c in shapes for q in quads_from_contour(c)]
    assert len(together) == len(alone)
    assert all(np.allclose(a, b) for a, b in zip(together, alone))
