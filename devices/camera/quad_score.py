"""How much each quadrilateral looks like the outline of a page in this frame (batched).

A page's outline is a step (paper on one side, desk on the other) along all four
sides, sharp where a cast shadow's edge is a slow ramp; its corners are near right
angles even under the camera's perspective, and its proportions are those of real
documents. A table drawn on a page has strong edges too, but no step: the same paper
lies on both sides of its lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .geometry import NEXT, PREV, rectified_aspects, signed_areas

SAMPLES_PER_SIDE = 32
SEARCH = 4  # pixels either side of a candidate's side: candidates are only roughly placed
STEP_REACH = 3  # pixels either side of an edge where the colours on each side are read
FAR_REACH = 6  # ...and again this far out (0: not); chosen by benchmarks/tune_detector.py
MIN_EDGE = 2.5  # grey levels per pixel: below this a gradient is sensor noise
KNOWN_ASPECTS = np.array([1.414, 1.586, 1.0, 1.25])  # A4, ID card (85.6x54), square forms, 5:4 photos
ASPECT_BONUS = 0.12  # score bonus of a quad with a standard document's proportions
ASPECT_SPREAD = 0.03  # relative error of those proportions at which the bonus has fallen to 60%
_ALONG = np.linspace(0.06, 0.94, SAMPLES_PER_SIDE, dtype=np.float32)  # where each side is sampled, as a share of it


@dataclass
class FrameCues:
    """What every candidate is scored against, computed once per frame."""

    colour: np.ndarray  # float32 YCrCb of the blurred, downscaled frame
    dx: np.ndarray  # int16 3x3 Sobel of each channel (the edge detector reuses them)
    dy: np.ndarray
    grad_x: np.ndarray  # float32, strongest channel's gradient, grey levels per pixel (a plane of `grad`)
    grad_y: np.ndarray
    grad: np.ndarray  # both, (H, W, 2): the candidates' probes read them in one gather
    texture: float  # median gradient: how busy the frame is

    @classmethod
    def from_colour(cls, ycc: np.ndarray) -> "FrameCues":
        dx = cv2.Sobel(ycc, cv2.CV_16S, 1, 0, ksize=3)
        dy = cv2.Sobel(ycc, cv2.CV_16S, 0, 1, ksize=3)
        # per pixel, the channel with the strongest gradient: picked with two comparisons
        # on contiguous planes, a third of the cost of argmax and take_along_axis here; the
        # picks are masked copies (cv2.copyTo), written scaled into both planes of `grad` at once
        xs, ys = cv2.split(dx), cv2.split(dy)
        m0, m1, m2 = (cv2.add(np.abs(a), np.abs(b)) for a, b in zip(xs, ys))
        use1, use2 = cv2.compare(m1, m0, cv2.CMP_GT), cv2.compare(m2, cv2.max(m0, m1), cv2.CMP_GT)
        grad = np.empty(m0.shape + (2,), np.float32)
        for plane, d in enumerate((xs, ys)):
            strongest = cv2.copyTo(d[2], use2, cv2.copyTo(d[1], use1, d[0]))  # d[0] is split's copy: overwritten
            np.multiply(strongest, np.float32(0.25), out=grad[..., plane])
        grad_x, grad_y = grad[..., 0], grad[..., 1]
        texture = float(np.median(np.abs(grad_x[::3, ::3]) + np.abs(grad_y[::3, ::3])))
        return cls(ycc.astype(np.float32), dx, dy, grad_x, grad_y, grad, texture)


def order_many(quads: np.ndarray) -> np.ndarray:
    """order_corners for a stack (N, 4, 2): clockwise on screen from the top-left."""
    centre = quads.mean(axis=1, keepdims=True)
    angles = np.arctan2(quads[..., 1] - centre[..., 1], quads[..., 0] - centre[..., 0])
    quads = np.take_along_axis(quads, np.argsort(angles, axis=1)[..., None], axis=1)
    start = np.argmin(quads.sum(axis=2), axis=1)
    idx = (start[:, None] + np.arange(4)[None, :]) % 4
    return np.take_along_axis(quads, idx[..., None], axis=1).astype(np.float32)


def _sides(quads: np.ndarray) -> np.ndarray:
    return quads[:, NEXT] - quads  # side i runs from corner i to corner i+1


def _angles(quads: np.ndarray) -> np.ndarray:
    nxt = _sides(quads)
    prev = -nxt[:, PREV]
    cos = (prev * nxt).sum(2) / (np.linalg.norm(prev, axis=2) * np.linalg.norm(nxt, axis=2) + 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def plausible(quads: np.ndarray, frame_area: float, min_area: float) -> np.ndarray:
    """Which ordered quads could be a page at all: convex, big enough, not too skewed."""
    sides = _sides(quads)
    following = sides[:, NEXT]
    cross = sides[:, :, 0] * following[:, :, 1] - sides[:, :, 1] * following[:, :, 0]
    convex = (cross > 0).all(axis=1) | (cross < 0).all(axis=1)
    area = np.abs(signed_areas(quads))
    angles = _angles(quads)
    lengths = np.linalg.norm(sides, axis=2)
    ratio_a = np.minimum(lengths[:, 0], lengths[:, 2]) / np.maximum(np.maximum(lengths[:, 0], lengths[:, 2]), 1e-6)
    ratio_b = np.minimum(lengths[:, 1], lengths[:, 3]) / np.maximum(np.maximum(lengths[:, 1], lengths[:, 3]), 1e-6)
    return (convex & (area >= min_area) & (area <= 0.995 * frame_area)
            & (angles.min(axis=1) > 40) & (angles.max(axis=1) < 140)
            & (lengths.min(axis=1) > 8) & (ratio_a > 0.5) & (ratio_b > 0.5))


def _sample(img: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """The pixels of `img` nearest each point (..., 2), clipped to the frame: one gather of whole pixels."""
    h, w = img.shape[:2]
    x = np.clip(np.rint(pts[..., 0]).astype(np.int32), 0, w - 1)
    y = np.clip(np.rint(pts[..., 1]).astype(np.int32), 0, h - 1)
    flat = img.reshape(h * w, -1)
    return flat.take(y * w + x, axis=0).reshape(pts.shape[:-1] + img.shape[2:])


@dataclass
class QuadScores:
    total: np.ndarray  # (N,) in [0, ~1.1]
    edge: np.ndarray  # (N,) share of the outline with a sharp edge under it
    paper: np.ndarray  # (N,) how much the inside looks like paper, 0.4..1
    step: np.ndarray  # (N,) colour step across the second weakest side, 0..1
    sharp: np.ndarray  # (N,) sharpness of the second softest side, 0..1
    shape: np.ndarray  # (N,) corner angles and proportions, 0.6..1 + ASPECT_BONUS


def score_quads(quads: np.ndarray, cues: FrameCues, search: int = SEARCH, shape: np.ndarray | None = None) -> QuadScores:
    """Scores of each ordered, plausible quad in a stack (N, 4, 2); `shape`, their shape_factor if already at hand.

    `search` is how far (pixels) each side's edge is looked for. Refined quads sit on
    their edges, so they are scored with a short one: with the coarse reach, a quad a
    few pixels inside a card (on its print) finds the card's edges and scores as well.
    """
    a = quads
    d = _sides(quads)
    tangent = d / (np.linalg.norm(d, axis=2, keepdims=True) + 1e-6)
    normal = np.stack([-tangent[..., 1], tangent[..., 0]], axis=2)
    inward = ((quads.mean(axis=1, keepdims=True) - a) * normal).sum(axis=2) > 0
    normal = np.where(inward[..., None], -normal, normal)  # outward
    pts = a[:, :, None] + d[:, :, None] * _ALONG[None, None, :, None]  # (N, 4, S, 2)
    offsets = np.arange(-search, search + 1, dtype=np.float32)[:, None, None, None, None]
    prior = np.exp(-0.5 * (offsets[..., 0] / 2.5) ** 2)
    n5, t5 = normal[None, :, :, None], tangent[None, :, :, None]
    probe = pts[None] + offsets * n5  # (O, N, 4, S, 2)
    grad = _sample(cues.grad, probe)
    gx, gy = grad[..., 0], grad[..., 1]
    along = np.abs(gx * n5[..., 0] + gy * n5[..., 1])
    across = np.abs(gx * t5[..., 0] + gy * t5[..., 1])
    # the nearest strong edge, not the strongest one: an ID card's photo or a form's
    # frame lies a few pixels inside the page's side and is often the stronger edge
    best = np.argmax(along * prior, axis=0).ravel()
    # each sample's offset picked by one flat gather: a third of take_along_axis's cost
    cells = np.arange(best.size)
    strength = along.reshape(len(along), -1)[best, cells].reshape(along.shape[1:])  # (N, 4, S)
    aligned = strength > 1.2 * across.reshape(len(across), -1)[best, cells].reshape(along.shape[1:])
    edge_pts = probe.reshape(len(probe), -1, 2)[best, cells].reshape(probe.shape[1:])
    # paper on one side, desk on the other: the sides' typical colours differ (noise and
    # texture differ sample by sample, but their medians do not). With FAR_REACH, read again
    # further out: a printed line (a grid on a box, a frame on a form) has the same paper on
    # both sides, an object's outline does not. All reads in one gather, one sort.
    reaches = np.float32([-STEP_REACH, STEP_REACH] + ([-FAR_REACH, FAR_REACH] if FAR_REACH else []))
    reads = _sample(cues.colour, edge_pts[None] + reaches[:, None, None, None, None] * normal[None, :, :, None])
    medians = _median_along_side(reads.reshape((-1,) + reads.shape[2:])).reshape(reads.shape[:3] + reads.shape[4:])
    inner_med, outer_med = medians[0], medians[1]  # (N, 4, 3)
    steps = np.linalg.norm(inner_med - outer_med, axis=2)  # (N, 4)
    if FAR_REACH:
        steps = np.minimum(steps, np.linalg.norm(medians[2] - medians[3], axis=2))
    # a sample supports its side when the edge there is as sharp as the side's step
    # demands: textured desks have strong gradients everywhere, so no fixed threshold
    threshold = np.maximum(MIN_EDGE, 0.2 * steps)[..., None]
    supports = np.mean((strength > threshold) & aligned, axis=2)
    sharpness = np.minimum(1.0, _median_along_side(strength) / (0.2 * steps + 1e-6))
    edge = supports.mean(axis=1) * (0.5 + 0.5 * supports.min(axis=1))
    # second weakest side: one side may lie in shadow or under a hand
    step = np.clip(np.sort(steps, axis=1)[:, 1] / 12.0, 0, 1)
    sharp = np.sort(sharpness, axis=1)[:, 1]
    paper = _paper_factor(inner_med, outer_med)
    if shape is None:
        shape = shape_factor(quads, cues.colour.shape[1::-1])
    return QuadScores(edge * (0.35 + 0.65 * step) * sharp * shape * paper, edge, paper, step, sharp, shape)


def _median_along_side(samples: np.ndarray) -> np.ndarray:
    """np.median over axis 2 (the samples of each side), by one sort: a tenth of its cost here."""
    ordered = np.sort(samples, axis=2)
    n = samples.shape[2]
    return 0.5 * (ordered[:, :, (n - 1) // 2] + ordered[:, :, n // 2])


def _paper_factor(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    """Documents are light and mostly unsaturated, and lighter than what lies around them.

    A mild prior: it separates a page from a dark book, a coloured folder or the
    outline of a cast shadow, while a tinted ID card still passes.
    """
    light_in = inner[..., 0].mean(axis=1)
    chroma_in = np.linalg.norm(inner[..., 1:] - 128, axis=2).mean(axis=1)
    darker_than_outside = (outer[..., 0] - inner[..., 0]).mean(axis=1)
    light = 0.7 + 0.3 * np.clip((light_in - 90) / 90, 0, 1)
    neutral = 0.75 + 0.25 * np.clip((40 - chroma_in) / 25, 0, 1)
    not_shadow = 1.0 - 0.3 * np.clip((darker_than_outside - 10) / 30, 0, 1)
    return light * neutral * not_shadow


def shape_factor(quads: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """Up to 1 + ASPECT_BONUS for a quad that is a document of standard proportions seen in
    perspective, down to 0.6 for one whose corners are far from right angles.

    The proportions are those of the rectangle that projects to the quad through a
    typical camera (geometry.rectified_aspects), not the ratio of its sides: a page
    tilted by 30 degrees has its far side a seventh shorter, so the sides' ratio would
    favour a strip cut off the page (by a shadow's edge) over the page itself.
    """
    skew = np.abs(_angles(quads) - 90).max(axis=1)
    factor = 1.0 - 0.4 * np.clip((skew - 10) / 40, 0, 1)
    aspect = rectified_aspects(quads, frame_size)
    aspect = np.nan_to_num(np.maximum(aspect, 1 / aspect), nan=0.0)
    near_known = (np.abs(aspect[:, None] - KNOWN_ASPECTS) / KNOWN_ASPECTS).min(axis=1)
    return factor * (1 + ASPECT_BONUS * np.exp(-0.5 * (near_known / ASPECT_SPREAD) ** 2))
