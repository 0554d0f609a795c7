"""Corner refinement: sub-pixel sides on a card drawn at known sub-pixel corners, and how straight they run."""

import cv2
import numpy as np

from devices.camera.corner_refine import refine_corners, refine_many, refine_with_fit
from devices.camera.geometry import smartdoc_iou

CARD = np.float32([[400.3, 300.6], [580.8, 288.2], [588.4, 402.7], [407.9, 415.1]])  # an ID card, slightly turned


def _card_on_desk(corners: np.ndarray, print_line: bool = False, seed: int = 0) -> np.ndarray:
    """A light card on a mid-grey desk, drawn 8x finer and averaged down, blurred and noisy like a camera's frame."""
    fine = np.full((600 * 8, 800 * 8), 90, np.uint8)
    pts = np.rint((corners + 0.5) * 8 - 0.5).astype(np.int32)
    cv2.fillConvexPoly(fine, pts, 225)
    if print_line:  # a dark line of print running across the card
        cv2.line(fine, tuple(int(v) for v in pts[0] + (pts[3] - pts[0]) // 3 + 40),
                 tuple(int(v) for v in pts[2] - (pts[2] - pts[1]) // 3 - 40), 30, 10)
    grey = cv2.resize(fine, (800, 600), interpolation=cv2.INTER_AREA).astype(np.float32)
    grey = cv2.GaussianBlur(grey, (0, 0), 0.8) + np.random.default_rng(seed).normal(0, 2.0, grey.shape)
    return cv2.cvtColor(np.clip(grey, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def test_sides_are_placed_to_a_fraction_of_a_pixel():
    image = _card_on_desk(CARD)
    start = CARD + np.float32([[2.0, -1.5], [-1.8, 1.2], [1.5, 2.0], [-2.2, -1.0]])  # a coarse candidate
    refined = refine_corners(image, start)
    assert np.abs(refined - CARD).max() < 0.25
    assert smartdoc_iou(refined, CARD, (85.6, 54.0)) > 0.995


def test_a_real_outline_fits_straight_and_a_quad_on_the_print_does_not():
    image = _card_on_desk(CARD, print_line=True)
    on_card, fit = refine_with_fit(image, CARD + 1.0)
    assert fit > 0.9 and np.abs(on_card - CARD).max() < 0.5
    # the card's lower part, cut off along its line of print: two of its sides run over plain card
    lower = np.float32([CARD[0] + (CARD[3] - CARD[0]) * 0.45 + 12, CARD[1] + (CARD[2] - CARD[1]) * 0.45 - 12,
                        CARD[2] - 12, CARD[3] + 12])
    _, lower_fit = refine_with_fit(image, lower)
    assert lower_fit < 0.6


def test_a_side_along_a_cast_shadow_fits_worse_than_the_card_itself():
    # a soft shadow (a penumbra 15 px wide) darkens the card's lower half: its edge is a
    # straight step across the card, but no page's side is that soft
    image = _card_on_desk(CARD).astype(np.float32)
    rows = np.arange(image.shape[0], dtype=np.float32)[:, None, None]
    image *= 1 - 0.35 * np.clip((rows - 350) / 15 + 0.5, 0, 1)
    image = np.clip(image, 0, 255).astype(np.uint8)
    lit = np.float32([CARD[0], CARD[1], CARD[1] + (CARD[2] - CARD[1]) * 0.45, CARD[0] + (CARD[3] - CARD[0]) * 0.45])
    lit[2:, 1] = 350.0  # the lit part: its lower side on the shadow's edge
    _, card_fit = refine_with_fit(image, CARD)
    lit_corners, lit_fit = refine_with_fit(image, lit)
    assert abs(lit_corners[2:, 1] - 350).max() < 3  # it did settle on the shadow's edge
    assert card_fit > 0.9 and lit_fit < 0.8 * card_fit


def test_a_blank_frame_gives_back_the_corners_with_no_fit():
    image = np.full((600, 800, 3), 128, np.uint8)
    corners, fit = refine_with_fit(image, CARD)
    assert np.array_equal(corners, CARD) and fit == 0.0


def test_outlines_refined_together_come_out_as_each_refined_alone():
    # one frame's leaders are refined in one pass (refine_many), each with its own reach and
    # search radius: batching them must not change any outline or its fit
    image = _card_on_desk(CARD, print_line=True)
    small = (CARD - CARD.mean(axis=0)) * 0.5 + CARD.mean(axis=0)  # a quad on the print, half the card's size
    starts = [CARD + 2.0, small, CARD - np.float32([[6, 5], [-6, 5], [-6, -5], [6, -5]])]
    reaches = [0.02, 0.02, 0.04]
    together = refine_many(image, starts, reaches)
    for start, reach, (quad, fit) in zip(starts, reaches, together):
        alone, alone_fit = refine_with_fit(image, start, reach)
        # the same but for float rounding: profiles summed over the widest search, not each one's own
        assert np.abs(quad - alone).max() < 0.01
        assert abs(fit - alone_fit) < 1e-3
