"""Sub-pixel page corners: fit a line to the strongest edge across each side, intersect.

Works on the full-resolution still (downscaled to at most REFINE_LONG_SIDE, which is
still well under a pixel of error at the page's scale). Corners come out as the
intersections of the sides' lines, so an ID card's rounded corners and a finger over
a corner do not pull them inward.
"""

from __future__ import annotations

import cv2
import numpy as np

from .geometry import is_convex

REFINE_LONG_SIDE = 1600
SAMPLES_PER_SIDE = 36
STEP_WIDTH = 2  # samples each side of a candidate edge averaged into its step


def _profiles(img: np.ndarray, pts: np.ndarray, normal: np.ndarray, radius: int) -> np.ndarray:
    """Colour samples along the normal at each point: shape (points, 2*radius+1, channels)."""
    offsets = np.arange(-radius, radius + 1, dtype=np.float32)
    grid = pts[:, None, :] + offsets[None, :, None] * normal[None, None, :]
    map_x = np.ascontiguousarray(grid[..., 0])
    map_y = np.ascontiguousarray(grid[..., 1])
    return cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)


def _edge_points(img, a, b, centre, radius):
    tangent = (b - a) / (np.linalg.norm(b - a) + 1e-6)
    normal = np.array([-tangent[1], tangent[0]], np.float32)
    if np.dot(normal, centre - a) > 0:
        normal = -normal
    t = np.linspace(0.1, 0.9, SAMPLES_PER_SIDE, dtype=np.float32)[:, None]
    pts = a + (b - a) * t
    # three parallel probes averaged: less noise, still one pass of remap
    width = STEP_WIDTH
    probes = np.concatenate([pts + k * 1.5 * tangent for k in (-1, 0, 1)])
    prof = _profiles(img, probes, normal, radius + width)
    prof = prof.reshape(3, len(pts), *prof.shape[1:]).sum(axis=0) / 3
    if prof.ndim == 2:
        prof = prof[..., None]
    # the step at each offset: the mean of `width` samples beyond it minus the mean of
    # `width` before it; wider than a 3-tap derivative, it still finds a faint card on a
    # white desk through the sensor's noise
    sums = np.concatenate([np.zeros_like(prof[:, :1]), np.cumsum(prof, axis=1)], axis=1)
    centre_idx = np.arange(width, width + 2 * radius + 1)
    after = sums[:, centre_idx + 1 + width] - sums[:, centre_idx + 1]
    before = sums[:, centre_idx] - sums[:, centre_idx - width]
    deriv = np.linalg.norm(after - before, axis=-1) / width
    offsets = np.arange(-radius, radius + 1, dtype=np.float32)
    prior = np.exp(-0.5 * (offsets / (0.6 * radius)) ** 2)
    best = np.argmax(deriv * prior, axis=1)
    strength = deriv[np.arange(len(pts)), best]
    ordered = np.sort(strength)  # the median, without np.median's cost on a few dozen values
    median = 0.5 * (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2])
    keep = strength > 0.35 * median + 1.0
    if keep.sum() < 6:
        return None
    return (pts + offsets[best][:, None] * normal)[keep]


def _fit_line(points: np.ndarray) -> np.ndarray:
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([vx, vy, x0, y0], np.float64)


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
    h, w = image.shape[:2]
    scale = min(1.0, REFINE_LONG_SIDE / max(h, w))
    work = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    quad = corners.astype(np.float32) * scale
    diag = float(np.linalg.norm(quad[2] - quad[0]))
    usual = (max(4, int(0.02 * diag)), 3)
    radii = (max(4, int(reach * diag)),) + usual if reach > 0.02 else usual
    for radius in radii:
        refined = _refine_once(work, quad, radius)
        if refined is None:
            break
        quad = refined
    out = quad / scale
    moved = np.linalg.norm(out - corners, axis=1).max()
    if not is_convex(out) or moved > max(0.08, 2 * reach) * np.linalg.norm(corners[2] - corners[0]):
        return corners.astype(np.float32)
    return out.astype(np.float32)


def _refine_once(img, quad, radius):
    centre = quad.mean(axis=0)
    lines = []
    for i in range(4):
        pts = _edge_points(img, quad[i], quad[(i + 1) % 4], centre, radius)
        if pts is None:
            return None
        lines.append(_fit_line(pts))
    corners = [_intersect(lines[i - 1], lines[i]) for i in range(4)]
    if any(c is None for c in corners):
        return None
    return np.array(corners, np.float32)
