"""`find_page`: the page outline in one frame, any size, as 4 corners or None.

Two kinds of evidence: edges (candidates.py, quad_score.py: where exactly the sides
run) and the page net's map (page_net.py: which of the frame's rectangles is the page).
A quad off the map loses most of its score, so a phone, a card's photo or a shadow
no longer beats the page; a page whose edges are faint but which matches the map well is
accepted. The map is a hint, never a fence: edge candidates are always sought over the
whole frame, since on real photographs the net can be sure and wrong (a card's inner
panel, a drawing on a sheet beside it). When the net sees no page, or is not shipped,
the edges decide alone.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import page_net
from .candidates import generate, quads_from_contour
from .corner_refine import refine_scale, refine_with_fit
from .geometry import order_corners, signed_areas
from .nesting import ENCLOSING_SHARE, contains, parallel, prefer_enclosing
from .quad_score import FrameCues, order_many, plausible, score_quads

DETECT_LONG_SIDE = 384  # 512 scored no better on real frames (leave-one-folder-out), at 1.3x the time
MIN_AREA_FRACTION = 0.004  # an ID card far from the lens is still ~1% of the frame
MIN_SCORE = 0.28  # a frame of pure noise scores up to ~0.25
INNER_OBJECT_GROWTH = 1.5  # area ratio of a page to a photo or table on it
REFINED_LEADERS = 3  # best coarse candidates refined and scored again
REFINED_SEARCH = 1  # detector pixels either side of a refined side where its edge must lie
FIT_WEIGHT = 0.5  # how far a refined quad's score falls when its sides run on no straight, sharp edge
NET_WEIGHT = 0.9  # how far a quad's score falls when it is not where the page net sees the page
AGREE_POWER = 2.0  # a photo covering a fifth of its card keeps a 25th of the full factor
NET_SURE = 0.5  # the net's peak probability below which its map is ignored (it saw no page)
MAP_MARGIN = 0.05  # agreement with the page map by which an outline around the winner beats it
NET_ACCEPT = 0.6  # agreement with the page map that accepts an outline whose edges are too faint
NET_REACH = 0.04  # share of the diagonal the sides of a page-map outline may be off
NET_OUTLINES = 1  # page-map outlines refined alongside the edge leaders


def find_page(image: np.ndarray) -> np.ndarray | None:
    """Corners of the page in `image` (BGR uint8), float32 4x2, ordered TL, TR, BR, BL.

    Detects on a copy downscaled to DETECT_LONG_SIDE, then refines the corners on the
    image itself, so a 13 MP still and a 720p preview frame take the same path.
    """
    # one downscale of a 13 MP still serves both steps: resizing it is the costly part
    scale = refine_scale(image.shape)
    work = shrink(image, scale)
    candidates = detect_coarse(work)
    if not candidates:
        return None
    return order_corners(candidates[0] / scale)


def shrink(image: np.ndarray, scale: float) -> np.ndarray:
    """`image` scaled down by `scale` (<= 1): averaged over whole blocks of pixels, then bilinear.

    OpenCV averages a fractional area (1280 to 512 px) at eight times the cost of whole
    2x2 blocks; what is left is a bilinear step that shrinks by less than half, too little to alias.
    """
    if scale >= 1:
        return image
    h, w = image.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    block = int(1 / scale)
    if block >= 2:
        image = cv2.resize(image, (w // block, h // block), interpolation=cv2.INTER_AREA)
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR if block >= 2 else cv2.INTER_AREA)


def detect_coarse(image: np.ndarray) -> list[np.ndarray]:
    """Page quads in image coordinates, best first: the leaders refined to sub-pixel, then scored again.

    The leaders are the best edge candidates and the page map's own outline. A candidate
    whose side is pulled off by a finger or a shadow often straightens out when refined,
    and then beats one that only looked better unrefined. Refined quads are scored on
    their own edges (within REFINED_SEARCH) and on how straight and sharp the edges under
    their sides run (corner_refine.refine_with_fit): a quad with a side along a cast
    shadow's soft edge, or across a card's print, loses to the card's own outline.
    """
    if image is None or image.ndim != 3 or min(image.shape[:2]) < 16:
        raise ValueError("find_page expects a BGR image")
    h, w = image.shape[:2]
    scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
    small = shrink(image, scale)
    prob = page_net.page_probability(small)
    if prob is not None and prob.max() < NET_SURE:
        prob = None  # the net saw no page: leave the choice to the edges alone
    small = cv2.GaussianBlur(small, (3, 3), 0)
    ycc = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)  # light and two colour axes, cheaper than Lab
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    frame_area = float(small.shape[0] * small.shape[1])
    min_area = MIN_AREA_FRACTION * frame_area
    cues = FrameCues.from_colour(ycc)
    leaders, first_is_leader = _edge_leaders(cues, ycc, hsv, prob, small.shape, min_area)
    fits = [refine_with_fit(image, q / scale) for q in leaders]
    outlines = [q for q in _net_outlines(prob, small.shape, min_area) if not _near_any(q, leaders)]
    fits += [refine_with_fit(image, q / scale, NET_REACH) for q in outlines]
    if not fits:
        return []
    refined = order_many(np.stack([q for q, _ in fits]))
    fit = np.float32([f for _, f in fits])
    kept = plausible(refined * scale, frame_area, min_area)
    first_is_leader &= bool(kept[0])
    refined, fit = refined[kept], fit[kept]
    if not len(refined):
        return []
    rescored = score_quads(refined * scale, cues, REFINED_SEARCH)
    agree = _agreement(refined * scale, prob, small.shape)
    totals = rescored.total * _placement_factor(refined * scale, small.shape, frame_area) * _net_factor(agree)
    totals *= (1 - FIT_WEIGHT) + FIT_WEIGHT * fit
    final = prefer_enclosing(refined * scale, totals, cues.colour)
    if first_is_leader:
        final = _keep_enclosing_leader(refined, totals, final)
    if agree is not None:
        final = _map_enclosing(refined * scale, agree, final)
    accepted = totals > MIN_SCORE
    if not accepted.any() and agree is not None and agree.max() > NET_ACCEPT:
        # no outline with clear edges, but one just where the net sees the page (a white
        # card on a white desk, a sheet in a glare that leaves no edge): the map decides
        best = int(np.argmax(agree))
        final = np.concatenate([[best], final[final != best]])
        accepted[best] = True
    found = accepted.any()
    return [refined[i] for i in final if accepted[i] or (found and i == final[0])]


def _edge_leaders(cues, ycc, hsv, prob, shape, min_area):
    """The best edge-based candidates (detector pixels), and whether the first was promoted by nesting."""
    frame_area = float(shape[0] * shape[1])
    # with the page net's outlines at hand, the wide openings that cut off fingers add
    # nothing measurable, and cost a sixth of the detection time
    raw = generate(ycc, hsv, cues.dx, cues.dy, min_area, cues.texture, opened=prob is None)
    if not raw:
        return [], False
    quads = order_many(np.stack(raw).astype(np.float32))
    quads = _dedupe(quads[plausible(quads, frame_area, min_area)])
    if not len(quads):
        return [], False
    scored = score_quads(quads, cues)
    scores = scored.total * _placement_factor(quads, shape, frame_area)
    scores *= _net_factor(_agreement(quads, prob, shape))
    order = prefer_enclosing(quads, scores, cues.colour)[:REFINED_LEADERS]
    order = order[scores[order] > MIN_SCORE * 0.7 * (1 - NET_WEIGHT * (prob is not None))]
    return list(quads[order]), bool(len(order)) and order[0] != np.argmax(scores)


def _net_outlines(prob, shape, min_area) -> list[np.ndarray]:
    """The page map's blobs as quads (detector pixels), best agreeing first."""
    if prob is None:
        return []
    quads = []
    for contour in page_net.mask_contours(prob, shape[:2]):
        hull_quads = quads_from_contour(contour) if cv2.contourArea(contour) >= min_area else []
        if hull_quads:
            quads += [page_net.snap_to_contour(q, contour) for q in order_many(np.stack(hull_quads))]
    if not quads:
        return []
    quads = order_many(np.stack(quads).astype(np.float32))
    quads = quads[plausible(quads, float(shape[0] * shape[1]), min_area)]
    if not len(quads):
        return []
    agree = page_net.agreement(quads, prob, shape[:2])
    return list(quads[np.argsort(-agree)[:NET_OUTLINES]])


def _near_any(quad: np.ndarray, others: list[np.ndarray], share: float = 0.03) -> bool:
    """Whether an ordered quad has all its corners close to one of `others` (refining it again adds nothing)."""
    tol = share * float(np.linalg.norm(quad[2] - quad[0]))
    return any(np.linalg.norm(quad - other, axis=1).max() < tol for other in others)


def _agreement(quads, prob, shape) -> np.ndarray | None:
    return None if prob is None else page_net.agreement(quads, prob, shape[:2])


def _net_factor(agree: np.ndarray | None) -> np.ndarray | float:
    """1 for the quads that best match the page map, down to 1 - NET_WEIGHT for those off it.

    Agreement counts relative to the best quad's: the map is soft at its borders, so
    even the true outline scores well under 1, and a frame whose map shows two pages
    leaves the choice between them to the edges.
    """
    if agree is None:
        return 1.0
    relative = agree / max(float(agree.max()), 1e-6)
    return (1 - NET_WEIGHT) + NET_WEIGHT * relative ** AGREE_POWER


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


def _map_enclosing(refined: np.ndarray, agree: np.ndarray, final: np.ndarray) -> np.ndarray:
    """Put first the outline around the winner that matches the page map clearly better.

    A form's table on a white desk outscores the sheet's faint edges by far, but the
    map sees the sheet's margin around it as page: the sheet's own outline, parallel to
    the table and enclosing it, agrees with the map where the table leaves the margin out.
    """
    winner = int(final[0])
    larger = _areas(refined) > _areas(refined[winner:winner + 1])[0]  # the margin below tells them apart
    around = larger & contains(refined, refined[winner:winner + 1])[:, 0] & parallel(refined, refined[winner])
    around &= agree > agree[winner] + MAP_MARGIN
    if not around.any():
        return final
    best = int(np.flatnonzero(around)[np.argmax(agree[around])])
    return np.concatenate([[best], final[final != best]])


def _areas(quads: np.ndarray) -> np.ndarray:
    return np.abs(signed_areas(quads))


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
