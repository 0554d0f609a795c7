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


def _photographed_a4(axis_angle_deg: float, tilt_deg: float, f: float = 1000.0) -> np.ndarray:
    """An A4 sheet's corners seen by a pinhole camera (focal f, centre 640,360), the sheet tilted."""
    a, t = np.radians(axis_angle_deg), np.radians(tilt_deg)
    axis = np.array([np.cos(a), np.sin(a), 0.0])
    sheet = np.array([[-297, -210, 0], [297, -210, 0], [297, 210, 0], [-297, 210, 0]], float) * 0.6
    turned = sheet * np.cos(t) + np.cross(axis, sheet) * np.sin(t) + np.outer(sheet @ axis, axis) * (1 - np.cos(t))
    world = turned + [0, 0, f]
    return (f * world[:, :2] / world[:, 2:3] + [640, 360]).astype(np.float32)


@pytest.mark.parametrize("axis_angle, tolerance", [(30, 0.01), (0, 0.05)])
def test_true_aspect_undoes_a_slanted_view(axis_angle, tolerance):
    # tilted 30 degrees, the far side is much shorter and the side lengths say the wrong
    # proportions; about a slanted axis both vanishing points fix the focal length, about
    # a level one (one vanishing point) a typical camera's focal length stands in
    from devices.camera.geometry import side_lengths, true_aspect

    quad = _photographed_a4(axis_angle, 30)
    top, right, bottom, left = side_lengths(quad)
    assert abs(max(top, bottom) / max(left, right) - 297 / 210) > 0.1
    assert true_aspect(quad, (1280, 720)) == pytest.approx(297 / 210, rel=tolerance)


def test_true_aspect_of_a_square_on_view_is_its_side_ratio():
    from devices.camera.geometry import true_aspect

    quad = np.float32([[100, 100], [397, 100], [397, 310], [100, 310]])
    assert true_aspect(quad, (1280, 720)) == pytest.approx(297 / 210, rel=1e-3)


@pytest.mark.parametrize("focal", [1000.0, 1300.0])
def test_rectified_aspects_of_many_views_at_once(focal):
    # a typical camera's focal length (0.9 of 1280 px, about 1150) stands in for the
    # unknown one: a seventh off, a sheet tilted by 30 degrees still comes out within 5%
    from devices.camera.geometry import rectified_aspects, side_lengths

    quads = np.stack([_photographed_a4(axis, 30, focal) for axis in (0, 30, 60, 90)])
    foreshortened = [max(t, b) / max(l, r) for t, r, b, l in map(side_lengths, quads)]
    assert max(abs(np.array(foreshortened) - 297 / 210)) > 0.1
    assert rectified_aspects(quads, (1280, 720)) == pytest.approx([297 / 210] * 4, rel=0.05)
