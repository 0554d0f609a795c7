"""Sub-pixel page corners: fit a line to the strongest edge across each side, intersect.

Works on the full-resolution still (downscaled to at most REFINE_LONG_SIDE, which is
still well under a pixel of error at the page's scale). Corners come out as the
intersections of the sides' lines, so an ID card's rounded corners and a finger over
a corner do not pull them inward.
"""

from __future__ import annotations

import cv2
import numpy as np

from .geometry import NEXT, is_convex

REFINE_LONG_SIDE = 1600
SAMPLES_PER_SIDE = 36
STEP_WIDTH = 2  # samples each side of a candidate edge averaged into its step
WIDE_STEP = 6  # ...and over as many, for its sharpness: the first over the second
SOFT_EDGE = 0.45  # sharpness of a cast shadow's edge (a page's side in focus: 0.8 to 1)...
SHARP_EDGE = 0.75  # ...and from which a side counts as the page's
SOFT_FIT = 0.5  # what is left of the fit when a side is as soft as a shadow's edge
INLIER_PX = 1.0  # an edge point this close to its side's fitted line is on that side
FIT_SIDE = 1  # the fit is the second worst side's: one side may lie under a hand or a cable
RADIUS_SPREAD = 1.5  # search radii refined in one pass: the pass's profiles are as long as its widest search
_ALONG = np.linspace(0.1, 0.9, SAMPLES_PER_SIDE, dtype=np.float32)  # where each side is sampled, as a share of it


def _side_edges(img: np.ndarray, quads: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a stack of quads (K, 4, 2), each searched `radii[k]` pixels either side of its sides:
    sub-pixel edge points across each side (K, 4, S, 2), which show an edge (K, 4, S), and how
    sharp each is (K, 4, S): its step over STEP_WIDTH samples against its step over WIDE_STEP.

    All sides of all quads in one pass of remap: at SAMPLES_PER_SIDE points of each, three
    parallel probes along the outward normal, averaged (less noise). The profiles run as
    far as the widest search; each quad's own search is cut to its radius.
    """
    width, k = STEP_WIDTH, len(quads)
    d = quads[:, NEXT] - quads
    tangent = d / (np.linalg.norm(d, axis=2, keepdims=True) + 1e-6)
    normal = np.stack([-tangent[..., 1], tangent[..., 0]], axis=2)
    inward = ((quads.mean(axis=1, keepdims=True) - quads) * normal).sum(axis=2) > 0
    normal[inward] *= -1
    pts = quads[:, :, None, :] + d[:, :, None, :] * _ALONG[None, None, :, None]  # (K, 4, S, 2)
    probes = pts[:, :, None] + np.float32([-1.5, 0, 1.5])[:, None, None] * tangent[:, :, None, None, :]
    pad, radius = WIDE_STEP, int(radii.max())
    reach = np.arange(-radius - pad, radius + pad + 1, dtype=np.float32)
    # x and y of every probe point, offset first (O, K, 4, 3, S): the running sums below then add
    # whole contiguous planes, a quarter of the cost of numpy's cumsum along an inner axis
    map_x, map_y = (reach[:, None, None, None, None] * normal[None, :, :, None, None, c] + probes[None, ..., c] for c in (0, 1))
    prof = cv2.remap(img, map_x.reshape(len(reach), -1), map_y.reshape(len(reach), -1),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # the mean of the three probes: their sum in integers, exact, then one division
    prof = prof.reshape(len(reach), k, 4, 3, SAMPLES_PER_SIDE, -1).sum(axis=3, dtype=np.uint16)
    prof = prof.astype(np.float32) / 3  # (O, K, 4, S, channels)
    # the step at each offset: the mean of `width` samples beyond it minus the mean of
    # `width` before it; wider than a 3-tap derivative, it still finds a faint card on a
    # white desk through the sensor's noise
    sums = np.empty((len(reach) + 1,) + prof.shape[1:], np.float32)
    sums[0] = 0
    for o, plane in enumerate(prof):
        np.add(sums[o], plane, out=sums[o + 1])
    span = 2 * radius + 1

    def at(shift: int) -> np.ndarray:  # sums at offsets -radius..radius, shifted by `shift` samples
        return sums[pad + shift:pad + shift + span]

    step = (at(1 + width) - at(1)) - (at(0) - at(-width))
    deriv = np.sqrt(np.einsum("...c,...c->...", step, step)) / width  # (2 * radius + 1, K, 4, S)
    offsets = np.arange(-radius, radius + 1, dtype=np.float32)
    own = radii.astype(np.float32)[None, :, None, None]
    column = offsets[:, None, None, None]
    prior = np.where(np.abs(column) <= own, np.exp(-0.5 * (column / (0.6 * own)) ** 2), 0.0)
    best = np.argmax(deriv * prior, axis=0)  # (K, 4, S)
    # each sample's offsets picked by one flat gather: a third of take_along_axis's cost
    samples = np.arange(best.size)
    flat_deriv, flat_sums = deriv.reshape(span, best.size), sums.reshape(len(sums), best.size, -1)

    def deriv_at(index: np.ndarray) -> np.ndarray:
        return flat_deriv[index.ravel(), samples].reshape(best.shape)

    def sums_at(index: np.ndarray) -> np.ndarray:
        return flat_sums[index.ravel(), samples]  # (K * 4 * S, channels)

    strength = deriv_at(best)
    # the peak between samples: a parabola through it and its neighbours (within the quad's
    # own search). Whole-sample offsets alone leave up to half a pixel of error that the
    # line fit cannot average out when a side runs nearly along the pixel grid
    first, last = radius - own[0].astype(int), radius + own[0].astype(int)
    left = deriv_at(np.maximum(best - 1, first))
    right = deriv_at(np.minimum(best + 1, last))
    curve = left - 2 * strength + right
    shift = np.clip(np.where(curve < 0, 0.5 * (left - right) / np.minimum(curve, -1e-6), 0.0), -0.5, 0.5)
    keep = strength > 0.35 * _row_medians(strength.reshape(-1, SAMPLES_PER_SIDE)).reshape(k, 4, 1) + 1.0
    found = pts + (offsets[best] + shift)[..., None] * normal[:, :, None, :]
    # a page's side is in focus, one or two pixels wide; a cast shadow's edge is a
    # penumbra ten or twenty wide, and over a narrow window shows a fraction of its step
    at_best = pad + best
    wide = (sums_at(at_best + 1 + pad) - sums_at(at_best + 1) - sums_at(at_best) + sums_at(at_best - pad))
    wide = wide.reshape(best.shape + (-1,))
    sharp = strength / (np.linalg.norm(wide, axis=-1) / pad + 1e-3)
    return found, keep, np.minimum(sharp, 1.0)


def _fit_line(points: np.ndarray) -> np.ndarray:
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([vx, vy, x0, y0], np.float64)


def _consensus(points: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """(sides, S) bool: on each side, the kept points on the line through the most of them (within INLIER_PX).

    Fingers over a side put a third of its edge points on their tips, which pull a
    least-squares line (even a Huber one) off the side; the side's own points, seen
    between the fingers, are the largest group that lies on one line.
    """
    i, j = _PAIRS
    x, y = points[..., 0].astype(np.float32), points[..., 1].astype(np.float32)
    dx, dy = x[:, j] - x[:, i], y[:, j] - y[:, i]  # (sides, pairs)
    scale = 1 / (np.sqrt(dx * dx + dy * dy) + 1e-9)
    # distance of every point from the line through each pair: |cross(d, p - p_i)| / |d|
    cross = dx[..., None] * (y[:, None, :] - y[:, i, None]) - dy[..., None] * (x[:, None, :] - x[:, i, None])
    near = np.abs(cross) * scale[..., None] < INLIER_PX  # (sides, pairs, S)
    near &= keep[:, None, :] & (keep[:, i] & keep[:, j])[..., None]
    best = np.argmax(near.sum(axis=2), axis=1)
    return near[np.arange(len(near)), best]


def _row_medians(values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Median of each row's values (where `mask`): by one sort, at a fraction of np.median's cost on short rows."""
    if mask is None:
        mask = np.ones(values.shape, bool)
    ordered = np.sort(np.where(mask, values, np.inf), axis=1)
    count = np.maximum(mask.sum(axis=1), 1)
    rows = np.arange(len(values))
    return 0.5 * (ordered[rows, (count - 1) // 2] + ordered[rows, count // 2])


def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs of points at least a quarter of the side apart, about 60 of them."""
    i, j = np.triu_indices(n, k=max(1, n // 4))
    step = max(1, len(i) // 60)
    return i[::step], j[::step]


_PAIRS = _pairs(SAMPLES_PER_SIDE)


def _intersect(l1: np.ndarray, l2: np.ndarray) -> np.ndarray | None:
    d1, p1, d2, p2 = l1[:2], l1[2:], l2[:2], l2[2:]
    cross = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(cross) < 1e-6:
        return None
    s = ((p2[0] - p1[0]) * d2[1] - (p2[1] - p1[1]) * d2[0]) / cross
    return p1 + s * d1


def refine_corners(image: np.ndarray, corners: np.ndarray, reach: float = 0.02) -> np.ndarray:
    """Return refined corners in `image` coordinates, or the input corners if refining fails.

    `reach` is how far (a share of the diagonal) the first pass looks for each side:
    an outline from the coarse page map can be a tenth of the page off.
    """
    return refine_with_fit(image, corners, reach)[0]


def refine_with_fit(image: np.ndarray, corners: np.ndarray, reach: float = 0.02) -> tuple[np.ndarray, float]:
    """refine_corners, and how well its sides look like a page's outline (0..1).

    Straight: the share of the second worst side's samples whose edge lies within
    INLIER_PX of its line (one side may lie under a hand). It does not depend on
    contrast: a faint page on a white desk fits as well as a dark one, while a quad
    whose side cuts across a card's print, or runs a few pixels inside the card along
    its text, finds its edge points scattered. Sharp: the softest side's edge is a
    step in focus, not a shadow's penumbra; a soft one leaves SOFT_FIT of the fit.
    0 when refining fails.
    """
    return refine_many(image, [corners], [reach])[0]


def refine_many(image: np.ndarray, corners: list[np.ndarray], reaches: list[float]) -> list[tuple[np.ndarray, float]]:
    """refine_with_fit for several outlines of one frame, each with its own reach: the
    passes of outlines searched about as far sample the frame together (numpy's cost is
    per call for a few outlines; a wide search's profiles, though, cost per point, so an
    outline searched several times further is refined in a pass of its own)."""
    if not corners:
        return []
    scale = refine_scale(image.shape)
    work = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    quads = [c.astype(np.float32) * scale for c in corners]
    schedules = [_radii(q, reach) for q, reach in zip(quads, reaches)]
    fits = [0.0] * len(quads)
    active = list(range(len(quads)))
    for step in range(max(len(r) for r in schedules)):
        active = [i for i in active if step < len(schedules[i])]
        if not active:
            break
        for group in _alike_radii(active, [schedules[i][step] for i in active]):
            results = _refine_once(work, np.stack([quads[i] for i in group]),
                                   np.array([schedules[i][step] for i in group]))
            for i, refined in zip(group, results):
                if refined is None:
                    active.remove(i)  # this outline keeps its last pass
                else:
                    quads[i], fits[i] = refined
    out = []
    for c, q, fit, reach in zip(corners, quads, fits, reaches):
        q = q / scale
        moved = np.linalg.norm(q - c, axis=1).max()
        if not is_convex(q) or moved > max(0.08, 2 * reach) * np.linalg.norm(c[2] - c[0]):
            out.append((c.astype(np.float32), 0.0))
        else:
            out.append((q.astype(np.float32), fit))
    return out


def _alike_radii(indices: list[int], radii: list[int]) -> list[list[int]]:
    """`indices` in groups whose search radii lie within RADIUS_SPREAD of the group's smallest."""
    groups: list[list[int]] = []
    low = 0
    for k in np.argsort(radii, kind="stable"):
        if not groups or radii[k] > RADIUS_SPREAD * low:
            groups.append([])
            low = radii[k]
        groups[-1].append(indices[k])
    return groups


def _radii(quad: np.ndarray, reach: float) -> tuple[int, ...]:
    """The search radius of each pass: the reach asked, then the usual two."""
    diag = float(np.linalg.norm(quad[2] - quad[0]))
    usual = (max(4, int(0.02 * diag)), 3)
    return (max(4, int(reach * diag)),) + usual if reach > 0.02 else usual


def refine_scale(shape: tuple[int, ...]) -> float:
    """The factor a frame is shrunk by before refining: 1 up to twice REFINE_LONG_SIDE.

    Refining samples only along the sides, so its cost hardly depends on the frame's
    size; shrinking a 1080p frame by a fractional factor costs more than the refining.
    """
    scale = REFINE_LONG_SIDE / max(shape[:2])
    return 1.0 if scale >= 0.5 else scale


def _refine_once(img, quads, radii) -> list[tuple[np.ndarray, float] | None]:
    """One pass over a stack of quads: each refined with its fit, or None where a side shows too few edges."""
    points, keep, sharp = _side_edges(img, quads, radii)
    k, samples = len(quads), SAMPLES_PER_SIDE
    inliers = _consensus(points.reshape(4 * k, samples, 2), keep.reshape(4 * k, samples)).reshape(k, 4, samples)
    used = np.where(inliers.sum(axis=2, keepdims=True) >= 2, inliers, keep)
    sharpness = _row_medians(sharp.reshape(4 * k, samples), used.reshape(4 * k, samples)).reshape(k, 4)
    straight = np.sort(inliers.mean(axis=2), axis=1)[:, FIT_SIDE]
    crisp = np.clip((sharpness.min(axis=1) - SOFT_EDGE) / (SHARP_EDGE - SOFT_EDGE), 0, 1)
    results: list[tuple[np.ndarray, float] | None] = []
    for q in range(k):
        if (keep[q].sum(axis=1) < 6).any():
            results.append(None)
            continue
        lines = [_fit_line(side[on_line]) for side, on_line in zip(points[q], used[q])]
        corners = [_intersect(lines[i - 1], lines[i]) for i in range(4)]
        if any(c is None for c in corners):
            results.append(None)
            continue
        results.append((np.array(corners, np.float32), float(straight[q] * (SOFT_FIT + (1 - SOFT_FIT) * crisp[q]))))
    return results
