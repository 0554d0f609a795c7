"""Quadrilaterals approximating contours' convex hulls, all the contours of a frame at once.

A frame's binary maps give a hundred or more contours. Each hull is simplified by
OpenCV; the quads built from the simplified polygons (the largest one on their
vertices, and those on the lines of their longest sides) are computed for all contours
in a few numpy steps, since a per-contour Python loop cost more than the maps themselves.
"""

from __future__ import annotations

from itertools import combinations

import cv2
import numpy as np

MIN_PERIMETER = 40  # detector pixels: smaller hulls are specks of print
MAX_VERTICES = 12  # of the polygon whose largest inscribed quad is sought (combinations grow as n^4)
LONG_SIDES = 5  # the longest sides of a polygon whose lines may carry the page's edges
COARSE_STEPS = (0.02, 0.035, 0.05, 0.08)  # approxPolyDP tolerances, share of the perimeter, for a plain 4-gon
_COMBOS = {n: np.array(list(combinations(range(n), 4))) for n in range(4, MAX_VERTICES + 1)}
# for each combination, its four sides' cells (a, b), (b, c), (c, d), (d, a) in a flat n x n table
_SIDE_CELLS = {n: combos.T * n + combos.T[[1, 2, 3, 0]] for n, combos in _COMBOS.items()}


def quads_from_contour(contour: np.ndarray) -> np.ndarray:
    return quads_from_contours([contour])


def quads_from_contours(contours) -> np.ndarray:
    """float32 (N, 4, 2): the quads of each contour in turn, in the contours' order.

    A hull that simplifies to 4 vertices is its own quad. One with more (a hand or
    another object merged with the page) gives the largest quad on its vertices (rounded
    or clipped corners still give the page), the quads on the lines of its longest
    sides (the page's own edges), and its first coarser simplification to 4 vertices.
    """
    plain: list[np.ndarray] = []  # the contours' own 4-gons...
    plain_at: list[int] = []  # ...and the slot of each in the output order (a contour's own, or the one after its polygon)
    polys: list[np.ndarray] = []  # the many-sided polygons, each with its quads in one slot
    polys_at: list[int] = []
    for contour in contours:
        slot = len(plain_at) + len(polys_at)
        hull = cv2.convexHull(contour)
        peri = cv2.arcLength(hull, True)
        if peri < MIN_PERIMETER:
            continue
        fine = cv2.approxPolyDP(hull, 0.01 * peri, True).reshape(-1, 2).astype(np.float32)
        if len(fine) < 4:
            continue
        if len(fine) == 4:
            plain_at.append(slot)
            plain.append(fine)
            continue
        polys_at.append(slot)
        polys.append(fine)
        for eps in COARSE_STEPS:
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                plain_at.append(slot + 1)
                plain.append(approx.reshape(4, 2).astype(np.float32))
                break
            if len(approx) < 4:
                break
    quads = np.stack(plain) if plain else np.empty((0, 4, 2), np.float32)
    if not polys:
        return quads
    long_sides, valid = _quads_from_long_sides(polys)
    # all quads at once, then put in slot order: a polygon's largest inscribed quad first,
    # then its long sides' quads (sub-slots 1 to LONG_SIDES)
    at = np.array(polys_at)[:, None] * (LONG_SIDES + 1) + np.arange(1, LONG_SIDES + 1)
    keys = np.concatenate([np.array(plain_at, int) * (LONG_SIDES + 1), np.array(polys_at) * (LONG_SIDES + 1), at[valid]])
    quads = np.concatenate([quads, _largest_inscribed_quads(polys), long_sides[valid]])
    return quads[np.argsort(keys)]


def _largest_inscribed_quads(polys: list[np.ndarray]) -> np.ndarray:
    """(P, 4, 2): for each polygon, the largest-area quad on its vertices (at most MAX_VERTICES of them)."""
    out = np.empty((len(polys), 4, 2), np.float32)
    by_count: dict[int, list[int]] = {}
    points = []
    for k, poly in enumerate(polys):
        if len(poly) > MAX_VERTICES:
            poly = poly[np.linspace(0, len(poly) - 1, MAX_VERTICES).astype(int)]
        points.append(poly)
        by_count.setdefault(len(poly), []).append(k)
    for n, members in by_count.items():
        combos = _COMBOS[n]
        group = np.stack([points[k] for k in members])  # (G, n, 2), in hull order
        x, y = group[..., 0], group[..., 1]
        # the shoelace terms of every vertex pair once, (G, n, n): summed over each combination's
        # four sides in signed_areas' order, they give its areas to the bit, at a fraction of the
        # cost of building every combination's quad
        cross = x[:, :, None] * y[:, None, :] - x[:, None, :] * y[:, :, None]
        ab, bc, cd, da = cross.reshape(len(members), n * n)[:, _SIDE_CELLS[n]].transpose(1, 0, 2)
        areas = np.abs(0.5 * (((ab + bc) + cd) + da))
        out[members] = group[np.arange(len(members))[:, None], combos[np.argmax(areas, axis=1)]]
    return out


def _quads_from_long_sides(polys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(P, 5, 4, 2) quads on the lines of each polygon's LONG_SIDES longest sides (kept in hull
    order, 4 of them at a time), and (P, 5) which exist (no two neighbouring lines parallel)."""
    counts = np.array([len(p) for p in polys])
    points = np.concatenate(polys).astype(np.float64)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    column = np.arange(counts.max())
    present = column < counts[:, None]  # (P, size): the polygons padded to the longest
    at = first[:, None] + np.where(present, column, 0)
    following = first[:, None] + np.where(present, (column + 1) % counts[:, None], 0)
    start = np.where(present[..., None], points[at], 0.0)
    delta = np.where(present[..., None], points[following] - points[at], 0.0)
    length2 = (delta ** 2).sum(axis=2)
    longest = np.sort(np.argsort(-length2, axis=1, kind="stable")[:, :LONG_SIDES], axis=1)
    rows = np.arange(len(polys))[:, None]
    p, d = start[rows, longest], delta[rows, longest]  # (P, 5, 2)
    norms = np.sqrt((d ** 2).sum(axis=2))
    # lines i and j meet at p_i + s d_i
    cross = d[:, :, None, 0] * d[:, None, :, 1] - d[:, :, None, 1] * d[:, None, :, 0]  # (P, 5, 5)
    meets = np.abs(cross) > 1e-3 * norms[:, :, None] * norms[:, None, :]
    gap = p[:, None, :, :] - p[:, :, None, :]  # p_j - p_i
    s = (gap[..., 0] * d[:, None, :, 1] - gap[..., 1] * d[:, None, :, 0]) / np.where(meets, cross, 1.0)
    corner = p[:, :, None, :] + s[..., None] * d[:, :, None, :]  # (P, 5, 5, 2)
    combos = _COMBOS[LONG_SIDES]
    before, after = combos[:, [3, 0, 1, 2]], combos  # corner k: side k-1 meets side k
    quads = corner[:, before, after]  # (P, 5, 4, 2)
    valid = meets[:, before, after].all(axis=2)
    return quads.astype(np.float32), valid
