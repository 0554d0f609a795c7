"""`find_page`: the page outline in one frame, any size, as 4 corners or None."""

from __future__ import annotations

import cv2
import numpy as np

from .candidates import generate
from .corner_refine import REFINE_LONG_SIDE, refine_corners
from .geometry import order_corners
from .nesting import ENCLOSING_SHARE, contains, prefer_enclosing
from .quad_score import FrameCues, order_many, plausible, score_quads

DETECT_LONG_SIDE = 512
MIN_AREA_FRACTION = 0.004  # an ID card far from the lens is still ~1% of the frame
MIN_SCORE = 0.28  # a frame of pure noise scores up to ~0.25
INNER_OBJECT_GROWTH = 1.5  # area ratio of a page to a photo or table on it
REFINED_LEADERS = 4  # best coarse candidates refined and scored again


def find_page(image: np.ndarray) -> np.ndarray | None:
    """Corners of the page in `image` (BGR uint8), float32 4x2, ordered TL, TR, BR, BL.

    Detects on a copy downscaled to DETECT_LONG_SIDE, then refines the corners on the
    image itself, so a 13 MP still and a 720p preview frame take the same path.
    """
    # one downscale of a 13 MP still serves both steps: resizing it is the costly part
    scale = min(1.0, REFINE_LONG_SIDE / max(image.shape[:2]))
    work = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    candidates = detect_coarse(work)
    if not candidates:
        return None
    return order_corners(candidates[0] / scale)


def detect_coarse(image: np.ndarray) -> list[np.ndarray]:
    """Page quads in image coordinates, best first: the leaders refined to sub-pixel, then scored again.

    A candidate whose side is pulled off by a finger or a shadow often straightens
    out when refined, and then beats one that only looked better unrefined.
    """
    if image is None or image.ndim != 3 or min(image.shape[:2]) < 16:
        raise ValueError("find_page expects a BGR image")
    h, w = image.shape[:2]
    scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    small = cv2.GaussianBlur(small, (3, 3), 0)
    ycc = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)  # light and two colour axes, cheaper than Lab
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    frame_area = float(small.shape[0] * small.shape[1])
    min_area = MIN_AREA_FRACTION * frame_area
    cues = FrameCues.from_colour(ycc)
    raw = generate(ycc, hsv, cues.dx, cues.dy, min_area, cues.texture)
    if not raw:
        return []
    quads = order_many(np.stack(raw).astype(np.float32))
    quads = _dedupe(quads[plausible(quads, frame_area, min_area)])
    if not len(quads):
        return []
    scored = score_quads(quads, cues)
    scores = scored.total * _placement_factor(quads, small.shape, frame_area)
    order = prefer_enclosing(quads, scores, cues.colour)[:REFINED_LEADERS]
    order = order[scores[order] > MIN_SCORE * 0.7]
    if not len(order):
        return []
    leaders = quads[order]
    refined = order_many(np.stack([refine_corners(image, q / scale) for q in leaders]))
    kept = plausible(refined * scale, frame_area, min_area)
    refined = refined[kept]
    if not len(refined):
        return []
    rescored = score_quads(refined * scale, cues)
    totals = rescored.total * _placement_factor(refined * scale, small.shape, frame_area)
    final = prefer_enclosing(refined * scale, totals, cues.colour)
    if kept[0] and order[0] != np.argmax(scores):
        final = _keep_enclosing_leader(refined, totals, final)
    found = totals.max() > MIN_SCORE
    return [refined[i] for i in final if totals[i] > MIN_SCORE or (found and i == final[0])]


def _keep_enclosing_leader(refined: np.ndarray, totals: np.ndarray, final: np.ndarray) -> np.ndarray:
    """Keep the page that coarse nesting put first (refined[0]) around the refined winner.

    Nesting is judged on the coarse quads, whose sides run parallel within a degree or
    two; refined corners tilt a small card's sides by more than that, so the refined
    set alone would hand an ID card back to its own photo.
    """
    winner = int(final[0])
    if winner == 0 or totals[0] < ENCLOSING_SHARE * totals[winner]:
        return final
    if _areas(refined[:1])[0] < INNER_OBJECT_GROWTH * _areas(refined[winner:winner + 1])[0]:
        return final  # the same outline, only placed better: keep the better one
    if not contains(refined[:1], refined[winner:winner + 1])[0, 0]:
        return final
    return np.concatenate([[0], final[final != 0]])


def _areas(quads: np.ndarray) -> np.ndarray:
    x, y = quads[..., 0], quads[..., 1]
    return 0.5 * np.abs((x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1))


def _placement_factor(quads: np.ndarray, shape, frame_area: float) -> np.ndarray:
    h, w = shape[:2]
    x, y = quads[..., 0], quads[..., 1]
    on_border = ((x < 2) | (y < 2) | (x > w - 3) | (y > h - 3)).sum(axis=1)
    size = (_areas(quads) / frame_area) ** 0.1  # mild: a table inside a page loses to the page
    return size * np.where(on_border >= 2, 0.6, 1.0)


def _dedupe(quads: np.ndarray, tol: float = 3.0) -> np.ndarray:
    """One of each group of ordered quads whose corners all lie within `tol` pixels."""
    flat = quads.reshape(len(quads), 8)
    close = np.abs(flat[:, None, :] - flat[None, :, :]).max(axis=2) <= tol
    taken = np.zeros(len(quads), bool)
    kept = []
    for i in range(len(quads)):
        if not taken[i]:
            kept.append(i)
            taken |= close[i]
    return quads[kept]
