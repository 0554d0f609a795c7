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

ENCLOSING_SHARE = 0.5  # an enclosing quad needs this share of the inner one's score
MIN_GROWTH = 1.15  # area ratio: smaller growth is the same outline found twice
TOLERANCE = 2.0  # pixels an inner corner may stick out (both outlines are noisy)
MAX_TILT = 4.0  # degrees: a table or a photo on a page runs parallel to its sides
MAX_CUT_TILT = 20.0  # degrees: one side may be a shadow's edge or a ragged text margin
MAX_CHROMA_SHIFT = 5.0  # Cr/Cb levels: paper in shadow keeps its colour, a hand or a desk does not


def contains(outer: np.ndarray, inner: np.ndarray, tol: float = TOLERANCE) -> np.ndarray:
    """(N, M) bool: quad i of `outer` holds every corner of quad j of `inner`.

    Both stacks hold ordered convex quads (N, 4, 2) and (M, 4, 2).
    """
    a = outer[:, None, :, None, :]  # (N, 1, 4, 1, 2)
    side = np.roll(outer, -1, axis=1)[:, None, :, None, :] - a
    rel = inner[None, :, None, :, :] - a  # (N, M, 4 sides, 4 corners, 2)
    cross = side[..., 0] * rel[..., 1] - side[..., 1] * rel[..., 0]
    dist = cross / (np.linalg.norm(side, axis=-1) + 1e-6)  # signed distance to each side
    orient = np.sign(_signed_areas(outer))[:, None, None, None]
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
    d = np.roll(quads, -1, axis=1) - quads
    return np.degrees(np.arctan2(d[..., 1], d[..., 0]))


def _signed_areas(quads: np.ndarray) -> np.ndarray:
    x, y = quads[..., 0], quads[..., 1]
    return 0.5 * (x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)


def same_paper(colour: np.ndarray, outer: np.ndarray, inner: np.ndarray) -> bool:
    """Whether the band between `inner` and `outer` has the inner quad's colour.

    `colour` is the frame in YCrCb. A cast shadow scales the light channel but leaves
    the chroma channels nearly where they were, so the shaded part of a page matches
    its lit part there; a hand, a desk or a folder next to the page does not.
    """
    h, w = colour.shape[:2]
    inner_mask = np.zeros((h, w), np.uint8)
    band = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inner_mask, np.rint(inner).astype(np.int32), 255)
    cv2.fillConvexPoly(band, np.rint(outer).astype(np.int32), 255)
    band[cv2.dilate(inner_mask, np.ones((5, 5), np.uint8)) > 0] = 0
    inside = cv2.erode(inner_mask, np.ones((5, 5), np.uint8)) > 0
    if band.sum() < 255 * 20 or not inside.any():
        return False
    chroma_band = np.median(colour[band > 0][:, 1:], axis=0)
    chroma_in = np.median(colour[inside][:, 1:], axis=0)
    return bool(np.abs(chroma_band - chroma_in).max() <= MAX_CHROMA_SHIFT)


def prefer_enclosing(quads: np.ndarray, scores: np.ndarray, colour: np.ndarray | None = None) -> np.ndarray:
    """Candidate indices, best first, after promoting the outermost fair outline.

    Starting from the best-scoring quad, step out to the best-scoring quad that
    encloses it while one scores at least ENCLOSING_SHARE of the first winner.
    """
    order = np.argsort(-scores)
    if len(quads) < 2:
        return order
    areas = np.abs(_signed_areas(quads))
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
