"""`find_page`: the page outline in one frame, any size, as 4 corners or None.

Two kinds of evidence: edges (candidates.py, quad_score.py: where exactly the sides
run) and the page net's map (page_net.py: which of the frame's rectangles is the page).
A quad off the map loses much of its score, so a phone, a card's photo or a shadow
no longer beats the page; a page whose edges are faint but which matches the map well is
accepted. The map is a hint, never a fence: edge candidates are always sought over the
whole frame, and whether an outline counts as a page rests on its edges alone, since on
real photographs the net can be sure and wrong (a sweet's wrapper beside the card, a
card's inner panel, a drawing on a sheet). When the net sees no page, or is not
shipped, the edges decide alone.

With the candidate ranker's rules shipped (quad_ranker.json, written by
benchmarks/train_quad_ranker.py), more leaders are refined and the ranker orders them; the
net's map then counts in the ranking, never in whether a page is seen. Not shipped for now:
see quad_ranker.py and benchmarks/docscan.py --real for what it gains and costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import page_net, quad_ranker
from .candidates import generate
from .contour_quads import quads_from_contour
from .corner_refine import refine_many, refine_scale
from .geometry import order_corners, signed_areas
from .nesting import ENCLOSING_SHARE, contains, parallel, prefer_enclosing
from .quad_score import FrameCues, order_many, plausible, score_quads, shape_factor

DETECT_LONG_SIDE = 384  # 512 scored no better on real frames (leave-one-folder-out), at 1.3x the time
MIN_AREA_FRACTION = 0.004  # an ID card far from the lens is still ~1% of the frame
MIN_SCORE = 0.28  # a frame of pure noise scores up to ~0.25
INNER_OBJECT_GROWTH = 1.5  # area ratio of a page to a photo or table on it
REFINED_LEADERS = 3  # best coarse candidates refined and scored again
CLEAR_LEAD = 2.0  # coarse total, over the next leader's, from which the winner alone is refined (1.5 to 3 changed no frame)
FIRST_SCORED = 16  # coarse candidates scored before the rest are bounded (_score_worth_it)
RANKED_LEADERS = 5  # ...when the ranker picks among them (its coarse stage found no better ones than the hand-made order)
DISTINCT_LEADERS = 0.05  # share of the diagonal by which the ranker's leaders must differ
REFINED_SEARCH = 1  # detector pixels either side of a refined side where its edge must lie
FIT_WEIGHT = 0.5  # how far a refined quad's score falls when its sides run on no straight, sharp edge
# NET_WEIGHT and EDGE_ACCEPT are chosen by benchmarks/tune_detector.py (leave-one-folder-out on real frames)
NET_WEIGHT = 0.7  # how far a quad's score falls when it is not where the page net sees the page
AGREE_POWER = 2.0  # a photo covering a fifth of its card keeps a 25th of the full factor
NET_SURE = 0.5  # the net's peak probability below which its map is ignored (it saw no page)
MAP_MARGIN = 0.05  # agreement with the page map by which an outline around the winner beats it
NET_ACCEPT = 0.6  # agreement with the page map that accepts an outline whose edges are too faint
NET_REACH = 0.04  # share of the diagonal the sides of a page-map outline may be off
NET_OUTLINES = 1  # page-map outlines refined alongside the edge leaders
EDGE_ACCEPT = True  # edges alone decide whether an outline is a page; the map only ranks the outlines


def find_page(image: np.ndarray, net: page_net.Net | None = None) -> np.ndarray | None:
    """Corners of the page in `image` (BGR uint8), float32 4x2, ordered TL, TR, BR, BL.

    Detects on a copy downscaled to DETECT_LONG_SIDE, then refines the corners on the
    image itself, so a 13 MP still and a 720p preview frame take the same path. `net` is
    the page net to use, the shipped one unless another is given (a benchmark's).
    """
    # one downscale of a 13 MP still serves both steps: resizing it is the costly part
    scale = refine_scale(image.shape)
    work = shrink(image, scale)
    candidates = detect_coarse(work, net)
    if not candidates:
        return None
    return order_corners(candidates[0] / scale)


def shrink(image: np.ndarray, scale: float) -> np.ndarray:
    """`image` scaled down by `scale` (<= 1): halved by averaging 2x2 blocks while that stays
    above the size wanted, then averaged over the fractional rest.

    OpenCV averages whole 2x2 blocks on a fast path; any other factor (1920 to 384 px) it
    averages at several times the cost of the rest of preparing the frame.
    """
    if scale >= 1:
        return image
    h, w = image.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    while image.shape[1] >= 2 * size[0] and image.shape[0] >= 2 * size[1]:
        image = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), interpolation=cv2.INTER_AREA)
    if image.shape[1::-1] == size:
        return image
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


@dataclass
class Frame:
    """One frame as the detector sees it, computed once: the downscaled copy and its cues."""

    scale: float  # detector pixels per pixel of the image handed to detect_coarse
    shape: tuple[int, ...]
    prob: np.ndarray | None  # the page net's map, None when it saw no page or is not shipped
    cues: FrameCues
    ycc: np.ndarray
    hsv: np.ndarray
    min_area: float

    @property
    def area(self) -> float:
        return float(self.shape[0] * self.shape[1])


@dataclass
class Coarse:
    """The edge candidates (detector pixels) and their hand-made scores."""

    quads: np.ndarray
    totals: np.ndarray
    raw: np.ndarray  # every candidate before duplicates were dropped (the ranker counts support)


def detect_coarse(image: np.ndarray, net: page_net.Net | None = None) -> list[np.ndarray]:
    """Page quads in image coordinates, best first: the leaders refined to sub-pixel, then ranked again.

    The leaders are the best edge candidates and the page map's own outline. A candidate
    whose side is pulled off by a finger or a shadow often straightens out when refined,
    and then beats one that only looked better unrefined. Refined quads are scored on
    their own edges (within REFINED_SEARCH) and on how straight and sharp the edges under
    their sides run (corner_refine.refine_with_fit): a quad with a side along a cast
    shadow's soft edge, or across a card's print, loses to the card's own outline.
    With quad_ranker's weights shipped, the ranker orders both the leaders and the result.
    """
    frame = prepare(image, net)
    coarse = coarse_candidates(frame)
    leaders, first_is_leader = _pick_leaders(coarse, frame)
    return refine_and_rank(image, frame, coarse, leaders, first_is_leader)[0]


def prepare(image: np.ndarray, net: page_net.Net | None = None) -> Frame:
    if image is None or image.ndim != 3 or min(image.shape[:2]) < 16:
        raise ValueError("find_page expects a BGR image")
    h, w = image.shape[:2]
    scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
    small = shrink(image, scale)
    prob = page_net.page_probability(small, net)
    if prob is not None and prob.max() < NET_SURE:
        prob = None  # the net saw no page: leave the choice to the edges alone
    small = cv2.GaussianBlur(small, (3, 3), 0)
    ycc = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)  # light and two colour axes, cheaper than Lab
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    min_area = MIN_AREA_FRACTION * float(small.shape[0] * small.shape[1])
    return Frame(scale, small.shape, prob, FrameCues.from_colour(ycc), ycc, hsv, min_area)


def coarse_candidates(frame: Frame, every: bool = False) -> Coarse | None:
    """The edge candidates and their totals; with `every`, all of them scored (the ranker's
    training reads the ones nearest the truth), else those that could not be leaders left out.
    """
    # with the page net's outlines at hand, the wide openings that cut off fingers add
    # nothing measurable, and cost a sixth of the detection time
    cues = frame.cues
    raw = generate(frame.ycc, frame.hsv, cues.dx, cues.dy, frame.min_area, cues.texture, opened=frame.prob is None)
    if not len(raw):
        return None
    raw = order_many(raw)
    quads = _dedupe(raw[plausible(raw, frame.area, frame.min_area)])
    if not len(quads):
        return None
    agree = _agreement(quads, frame.prob, frame.shape)
    prior = _placement_factor(quads, frame.shape, frame.area) * _net_factor(agree)
    if every or quad_ranker.weights() is not None or len(quads) <= 2 * FIRST_SCORED:
        # the ranker reads every candidate's total; and a few candidates are scored at once for less
        return Coarse(quads, score_quads(quads, cues).total * prior, raw)
    return Coarse(*_score_worth_it(quads, shape_factor(quads, cues.colour.shape[1::-1]), prior, frame), raw)


def _score_worth_it(quads: np.ndarray, shape: np.ndarray, prior: np.ndarray, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """The quads that could still be leaders, with their totals: scoring every candidate of a
    cluttered frame cost a fifth of the detection time.

    A quad's score is at most its shape factor (`shape`), so that times its prior caps its
    total. The FIRST_SCORED with the highest caps are scored first; a quad whose cap is under
    both the third best total so far (or the leaders' floor) and the share of the best that
    nesting looks at (nesting.ENCLOSING_SHARE) can be neither a leader nor a page around one.
    """
    bound = shape * prior
    order = np.argsort(-bound, kind="stable")
    first, rest = order[:FIRST_SCORED], order[FIRST_SCORED:]
    totals = score_quads(quads[first], frame.cues, shape=shape[first]).total * prior[first]
    if len(rest):
        best = np.sort(totals)[::-1]
        floor = _leader_floor(frame)
        bar = min(max(best[min(REFINED_LEADERS, len(best)) - 1], floor), ENCLOSING_SHARE * best[0])
        rest = rest[bound[rest] >= bar]
    if len(rest):
        first = np.concatenate([first, rest])
        totals = np.concatenate([totals, score_quads(quads[rest], frame.cues, shape=shape[rest]).total * prior[rest]])
    keep = np.argsort(first, kind="stable")  # back in the candidates' own order: ties fall as before
    return quads[first[keep]], totals[keep]


def _leader_floor(frame: Frame) -> float:
    """The coarse total below which a candidate is not worth refining."""
    return MIN_SCORE * 0.7 * (1 - NET_WEIGHT * (frame.prob is not None))


def _pick_leaders(coarse: Coarse | None, frame: Frame) -> tuple[list[np.ndarray], bool]:
    """The candidates worth refining (detector pixels), and whether the first was promoted by nesting."""
    if coarse is None:
        return [], False
    if quad_ranker.weights() is not None:
        return ranked_leaders(coarse, frame), False
    scores = coarse.totals
    order = prefer_enclosing(coarse.quads, scores, frame.cues.colour)[:REFINED_LEADERS]
    order = order[scores[order] > _leader_floor(frame)]
    if len(order) > 1 and scores[order[0]] >= CLEAR_LEAD * scores[order[1:]].max():
        order = order[:1]  # refining the others would not let them catch up: a clear page
    return list(coarse.quads[order]), bool(len(order)) and order[0] != np.argmax(scores)


def ranked_leaders(coarse: Coarse, frame: Frame) -> list[np.ndarray]:
    """The leaders when the ranker picks among them once refined: the hand-made order's, more of them."""
    leaders: list[np.ndarray] = []
    for i in prefer_enclosing(coarse.quads, coarse.totals, frame.cues.colour):
        if not near_any(coarse.quads[i], leaders, DISTINCT_LEADERS):  # near copies would crowd out the rest
            leaders.append(coarse.quads[i])
            if len(leaders) == RANKED_LEADERS:
                break
    return leaders


def refine_and_rank(image: np.ndarray, frame: Frame, coarse: Coarse | None, leaders: list[np.ndarray],
                    first_is_leader: bool = False, want_features: bool = False) -> tuple[list[np.ndarray], np.ndarray | None, np.ndarray | None]:
    """The leaders and the page map's outline refined on `image`, best first (image pixels);
    with them, every refined quad (detector pixels) and its ranker features (training reads both).
    """
    scale, prob, cues, shape = frame.scale, frame.prob, frame.cues, frame.shape
    outlines = [q for q in _net_outlines(prob, shape, frame.min_area) if not near_any(q, leaders)]
    fits = refine_many(image, [q / scale for q in leaders + outlines], [0.02] * len(leaders) + [NET_REACH] * len(outlines))
    if not fits:
        return [], None, None
    refined = order_many(np.stack([q for q, _ in fits]))
    fit = np.float32([f for _, f in fits])
    kept = plausible(refined * scale, frame.area, frame.min_area)
    first_is_leader &= bool(kept[0])
    refined, fit = refined[kept], fit[kept]
    if not len(refined):
        return [], None, None
    rescored = score_quads(refined * scale, cues, REFINED_SEARCH)
    agree = _agreement(refined * scale, prob, shape)
    totals = rescored.total * _placement_factor(refined * scale, shape, frame.area) * _net_factor(agree)
    totals *= (1 - FIT_WEIGHT) + FIT_WEIGHT * fit
    feats = None
    if quad_ranker.weights() is not None or want_features:
        raw = coarse.raw if coarse is not None else None
        feats = quad_ranker.features(refined * scale, rescored, totals, agree, shape[:2], raw, fit)
    ranked = quad_ranker.rank(feats, "final") if feats is not None else None
    if ranked is not None:
        # the nesting rules still apply: a form's table or a text block on a white desk, fair
        # in the ranking, gives way to the sheet around it
        final = prefer_enclosing(refined * scale, np.exp(ranked - ranked.max()), cues.colour)
        if agree is not None:
            final = _map_enclosing(refined * scale, agree, final)
    else:
        final = prefer_enclosing(refined * scale, totals, cues.colour)
        if first_is_leader:
            final = _keep_enclosing_leader(refined, totals, final)
        if agree is not None:
            final = _map_enclosing(refined * scale, agree, final)
    accepted = totals > MIN_SCORE
    if ranked is not None or EDGE_ACCEPT:
        # the net's map weighs in the ranking, not in whether a page is seen: an outline with
        # clear edges counts even where the net, sure and wrong, sees none (a card among papers)
        accepted = totals / _net_factor(agree) > MIN_SCORE
    if not accepted.any() and agree is not None and agree.max() > NET_ACCEPT:
        # no outline with clear edges, but one just where the net sees the page (a white
        # card on a white desk, a sheet in a glare that leaves no edge): the map decides
        best = int(np.argmax(agree))
        final = np.concatenate([[best], final[final != best]])
        accepted[best] = True
    found = accepted.any()
    best_first = [refined[i] for i in final if accepted[i] or (found and i == final[0])]
    return best_first, refined * scale, feats


def _net_outlines(prob, shape, min_area) -> list[np.ndarray]:
    """The page map's blobs as quads (detector pixels), best agreeing first."""
    if prob is None:
        return []
    quads = []
    for contour in page_net.mask_contours(prob, shape[:2]):
        hull_quads = quads_from_contour(contour) if cv2.contourArea(contour) >= min_area else []
        if len(hull_quads):
            fits: dict = {}  # the hull's quads share many of their sides' runs: each run is fitted once
            quads += [page_net.snap_to_contour(q, contour, fits) for q in order_many(hull_quads)]
    if not quads:
        return []
    quads = order_many(np.stack(quads).astype(np.float32))
    quads = quads[plausible(quads, float(shape[0] * shape[1]), min_area)]
    if not len(quads):
        return []
    agree = page_net.agreement(quads, prob, shape[:2])
    return list(quads[np.argsort(-agree)[:NET_OUTLINES]])


def near_any(quad: np.ndarray, others: list[np.ndarray], share: float = 0.03) -> bool:
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
    # which pairs are close, all at once, one coordinate at a time (N x N: a frame keeps a few hundred
    # candidates at most); the walk that keeps the first of each group then only reads rows of it
    close = np.abs(flat[:, None, 0] - flat[None, :, 0]) <= tol
    for k in range(1, 8):
        close &= np.abs(flat[:, None, k] - flat[None, :, k]) <= tol
    taken = np.zeros(len(quads), bool)
    kept = []
    for i in range(len(quads)):
        if not taken[i]:
            kept.append(i)
            taken |= close[i]  # the quads before i are kept or taken already
    return quads[kept]
