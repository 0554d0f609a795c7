"""The SmartDoc 2015 measure: IoU of the two quads in the document's own frame."""

import numpy as np
import pytest

from devices.camera.geometry import order_corners, smartdoc_iou

TRUTH = np.float32([[100, 50], [500, 80], [480, 620], [90, 600]])
A4 = (210.0, 297.0)


def test_same_quad_scores_one_in_any_corner_order():
    assert smartdoc_iou(TRUTH[[2, 0, 3, 1]], TRUTH, A4) == pytest.approx(1.0, abs=1e-5)


def test_missed_page_scores_zero():
    assert smartdoc_iou(None, TRUTH, A4) == 0.0


def test_half_the_page_scores_one_half():
    # the top half of the page, cut along the line joining the side midpoints:
    # in the document frame that is exactly half the rectangle
    doc = np.float32([[0, 0], [210, 0], [210, 297], [0, 297]])
    import cv2
    to_image = cv2.getPerspectiveTransform(doc, TRUTH)
    top_half = cv2.perspectiveTransform(np.float32([[[0, 0]], [[210, 0]], [[210, 148.5]], [[0, 148.5]]]), to_image)
    assert smartdoc_iou(top_half.reshape(4, 2), TRUTH, A4) == pytest.approx(0.5, abs=1e-3)


def test_shift_lowers_the_score():
    shifted = TRUTH + np.float32([20, 0])
    assert 0.8 < smartdoc_iou(shifted, TRUTH, A4) < 0.97


def test_order_corners_starts_top_left_and_runs_clockwise():
    ordered = order_corners(TRUTH[[3, 1, 0, 2]])
    assert np.array_equal(ordered, TRUTH)
