"""Nested candidates: a page's outline encloses everything drawn or lying on it.

A form's table, an ID card's photo, a text block, or the lit part of a page cut by a
cast shadow are all quads inside the page with strong edges of their own; on a white
desk they often outscore the page's faint outline. When a candidate lies inside
another one that still looks like a page outline (a fair share of the winner's
score), the outer one is the page.
"""

from __future__ import annotations

import cv2
import numpy as np

from .geometry import NEXT, signed_areas

ENCLOSING_SHARE = 0.5  # an enclosing quad needs this share of the inner one's score
MIN_GROWTH = 1.15  # area ratio: smaller growth is the same outline found twice
TOLERANCE = 2.0  # pixels an inner corner may stick out (both outlines are noisy)
MAX_TILT = 4.0  # degrees: a table or a photo on a page runs parallel to its sides
MAX_CUT_TILT = 20.0  # degrees: one side may be a shadow's edge or a ragged text margin
MAX_CHROMA_SHIFT = 5.0  # Cr/Cb levels: paper in shadow keeps its colour, a hand or a desk does not
MIN_PAPER_LIGHT = 120.0  # Y level: card stock and paper, lit or in a soft shadow
MAX_PAPER_CHROMA = 14.0  # Cr/Cb levels from grey: tinted ID cards pass, skin (about 25) does not
MAX_PAPER_SPREAD = 8.0  # Y levels, median absolute deviation: paper is plain between its lines of print
MIN_DESK_STEP = 3.5  # YCrCb distance between the band and the desk just outside the outer quad


def contains(outer: np.ndarray, inner: np.ndarray, tol: float = TOLERANCE) -> np.ndarray:
    """(N, M) bool: quad i of `outer` holds every corner of quad j of `inner`.

    Both stacks hold ordered convex quads (N, 4, 2) and (M, 4, 2).
    """
    a = outer[:, None, :, None, :]  # (N, 1, 4, 1, 2)
    side = outer[:, NEXT][:, None, :, None, :] - a
    rel = inner[None, :, None, :, :] - a  # (N, M, 4 sides, 4 corners, 2)
    cross = side[..., 0] * rel[..., 1] - side[..., 1] * rel[..., 0]
    dist = cross / (np.linalg.norm(side, axis=-1) + 1e-6)  # signed distance to each side
    orient = np.sign(signed_areas(outer))[:, None, None, None]
    return (dist * orient >= -tol).all(axis=(2, 3))


def parallel(quads: np.ndarray, quad: np.ndarray, max_tilt: float = MAX_TILT) -> np.ndarray:
    """(N,) bool: each of `quads` has three sides parallel to `quad`'s within `max_tilt` degrees.

    The fourth side may tilt up to MAX_CUT_TILT: the lit part of a page cut by a
    shadow, or a text block, is bounded by one line that is not the page's. A page
    merged with a hand moves a corner, which tilts two sides.
    """
    angle = _side_angles(quads)  # (N, 4)
    own = _side_angles(quad[None])[0]
    fits = np.zeros(len(quads), bool)
    for shift in range(4):  # corner order may start at a different corner near 45 degrees
        diff = np.sort(np.abs((angle - np.roll(own, shift) + 180) % 360 - 180), axis=1)
        fits |= (diff[:, 2] <= max_tilt) & (diff[:, 3] <= MAX_CUT_TILT)
    return fits


def _side_angles(quads: np.ndarray) -> np.ndarray:
    d = quads[:, NEXT] - quads
    return np.degrees(np.arctan2(d[..., 1], d[..., 0]))


def same_paper(colour: np.ndarray, outer: np.ndarray, inner: np.ndarray) -> bool:
    """Whether the band between `inner` and `outer` is more of the document `inner` lies on.

    `colour` is the frame in YCrCb. A cast shadow scales the light channel but leaves
    the chroma channels nearly where they were, so the shaded part of a page matches
    its lit part there; a hand, a desk or a folder next to the page does not. When the
    inner quad is not paper itself (an ID card's photo), the band still counts if it
    looks like paper and unlike the desk just outside `outer`.
    """
    h, w = colour.shape[:2]
    outer_mask = np.zeros((h, w), np.uint8)
    inner_mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inner_mask, np.rint(inner).astype(np.int32), 255)
    cv2.fillConvexPoly(outer_mask, np.rint(outer).astype(np.int32), 255)
    band = outer_mask.copy()
    band[cv2.dilate(inner_mask, _KERNEL) > 0] = 0
    inside = cv2.erode(inner_mask, _KERNEL) > 0
    if np.count_nonzero(band) < 20 or not inside.any():
        return False
    band_pixels = colour[band > 0]
    band_colour = np.median(band_pixels, axis=0)
    colour_in = np.median(colour[inside], axis=0)
    if np.abs(band_colour[1:] - colour_in[1:]).max() <= MAX_CHROMA_SHIFT:
        return True
    ring = (cv2.dilate(outer_mask, _KERNEL, iterations=2) > 0) & (cv2.dilate(outer_mask, _KERNEL) == 0)
    if not ring.any():
        return False
    desk = np.median(colour[ring], axis=0)
    spread = np.median(np.abs(band_pixels[:, 0] - band_colour[0]))  # wood grain or a pattern is not paper
    # lighter than what it frames: a card around its photo, not a drop shadow around a card
    paper_like = (band_colour[0] >= max(MIN_PAPER_LIGHT, colour_in[0])
                  and np.abs(band_colour[1:] - 128).max() <= MAX_PAPER_CHROMA and spread <= MAX_PAPER_SPREAD)
    return bool(paper_like and np.linalg.norm(band_colour - desk) >= MIN_DESK_STEP)


_KERNEL = np.ones((5, 5), np.uint8)


def prefer_enclosing(quads: np.ndarray, scores: np.ndarray, colour: np.ndarray | None = None) -> np.ndarray:
    """Candidate indices, best first, after promoting the outermost fair outline.

    Starting from the best-scoring quad, step out to the best-scoring quad that
    encloses it while one scores at least ENCLOSING_SHARE of the first winner.
    """
    order = np.argsort(-scores)
    if len(quads) < 2:
        return order
    areas = np.abs(signed_areas(quads))
    bar = ENCLOSING_SHARE * scores[order[0]]
    current = int(order[0])
    for _ in range(len(quads)):
        outer = (areas >= MIN_GROWTH * areas[current]) & (scores >= bar)
        if outer.any():
            outer[outer] = contains(quads[outer], quads[current][None])[:, 0] & parallel(quads[outer], quads[current])
        if not outer.any():
            break
        best = int(np.flatnonzero(outer)[np.argmax(scores[outer])])
        if colour is not None and not same_paper(colour, quads[best], quads[current]):
            break
        current = best
    if current == order[0]:
        return order
    return np.concatenate([[current], order[order != current]])
