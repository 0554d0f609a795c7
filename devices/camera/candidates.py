"""Page-outline candidates from several independent cues.

Each cue turns the (downscaled) frame into a binary map: edges at several scales and
thresholds, and segmentations by brightness, saturation and distance from the
background colour. Every large enough region or edge chain of every map becomes one
or more convex quadrilaterals. Scoring decides later; here recall matters most.
"""

from __future__ import annotations

from itertools import combinations

import cv2
import numpy as np

from .geometry import signed_areas

CHROMA_LEVEL = 2.5  # Cr + Cb levels above the frame's median tint distance: a card on a white desk
FIXED_CANNY = ((30, 90), (70, 180))  # grey levels per pixel, strongest YCrCb channel
_QUAD_COMBOS = {n: list(combinations(range(n), 4)) for n in range(4, 13)}  # for plain-Python loops
_QUAD_INDEX = {n: np.array(combos) for n, combos in _QUAD_COMBOS.items()}  # for numpy indexing


def quads_from_contour(contour: np.ndarray) -> list[np.ndarray]:
    """4-corner polygons approximating a contour's convex hull.

    When the hull has more than 4 sides (a hand or another object merged with the
    page), quads are also built from the lines of its longest sides, which are the
    page's own edges.
    """
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    if peri < 40:
        return []
    fine = cv2.approxPolyDP(hull, 0.01 * peri, True).reshape(-1, 2).astype(np.float32)
    if len(fine) < 4:
        return []
    if len(fine) == 4:
        return [fine]
    quads = [_largest_inscribed_quad(fine)] + _quads_from_long_sides(fine)
    for eps in (0.02, 0.035, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            quads.append(approx.reshape(4, 2).astype(np.float32))
            break
        if len(approx) < 4:
            break
    return quads


def _quads_from_long_sides(poly: np.ndarray, top: int = 5) -> list[np.ndarray]:
    # plain Python floats: a handful of lines per contour, where numpy's per-call cost dominates
    pts = poly.astype(np.float64).tolist()
    sides = [(x0, y0, x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1])]
    if len(sides) < 4:
        return []
    longest = sorted(sorted(range(len(sides)), key=lambda k: -(sides[k][2] ** 2 + sides[k][3] ** 2))[:top])
    p = [sides[k][:2] for k in longest]  # kept in hull order
    d = [sides[k][2:] for k in longest]
    n = len(longest)
    norms = [(dx * dx + dy * dy) ** 0.5 for dx, dy in d]
    meet = {}
    for i in range(n):
        for j in range(n):
            cross = d[i][0] * d[j][1] - d[i][1] * d[j][0]
            if abs(cross) > 1e-3 * norms[i] * norms[j]:  # not parallel: lines i and j meet at p_i + s d_i
                s = ((p[j][0] - p[i][0]) * d[j][1] - (p[j][1] - p[i][1]) * d[j][0]) / cross
                meet[i, j] = (p[i][0] + s * d[i][0], p[i][1] + s * d[i][1])
    quads = []
    for combo in _QUAD_COMBOS[n]:
        corners = [meet.get((combo[k - 1], combo[k])) for k in range(4)]  # corner k: side k-1 meets side k
        if None not in corners:
            quads.append(np.array(corners, np.float32))
    return quads


def _largest_inscribed_quad(points: np.ndarray) -> np.ndarray:
    """Largest-area quad on the hull's vertices (rounded or clipped corners still give the page)."""
    if len(points) > 12:
        points = points[np.linspace(0, len(points) - 1, 12).astype(int)]
    quads = points[_QUAD_INDEX[len(points)]]  # (combos, 4, 2), vertices in hull order
    return quads[int(np.argmax(np.abs(signed_areas(quads))))]


def _quads_from_map(binary: np.ndarray, min_area: float, mode: int) -> list[np.ndarray]:
    contours, _ = cv2.findContours(binary, mode, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    for c in contours:
        if len(c) < 4:
            continue
        _, _, w, h = cv2.boundingRect(c)
        if w * h < min_area:
            continue
        quads += quads_from_contour(c)
    return quads


def edge_maps(dx: np.ndarray, dy: np.ndarray, texture: float) -> list[np.ndarray]:
    """Canny just above this frame's texture level (white page on a white desk), and at fixed levels."""
    kernel = np.ones((3, 3), np.uint8)
    maps = []
    thresholds = ((max(1.5, 2.5 * texture), max(4.0, 6 * texture)),) + FIXED_CANNY
    for low, high in thresholds:
        edges = cv2.Canny(dx, dy, low * 4, high * 4, L2gradient=True)  # 3x3 Sobel gains 4
        if not maps:
            # undilated too: thickening joins a faint page outline to the table, hand or
            # shadow edges next to it, and the joined contour no longer outlines the page
            maps.append(edges)
        maps.append(cv2.dilate(edges, kernel))
    return maps


def segment_maps(ycc: np.ndarray, hsv: np.ndarray, opened: bool = True) -> list[np.ndarray]:
    light = ycc[..., 0]
    sat = hsv[..., 1]
    background = _border_colour(ycc)
    dist = cv2.transform(cv2.absdiff(ycc, background), np.float32([[1, 1, 1]]))
    dist = cv2.normalize(dist, None, 0, 255, cv2.NORM_MINMAX)
    maps = []
    for channel in (light, sat, dist):
        _, mask = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        maps.append(mask)
        maps.append(cv2.bitwise_not(mask))
    # local brightness: a light page on a light but slightly darker desk
    local = cv2.adaptiveThreshold(light, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                  _odd(min(light.shape) // 3), -3)
    maps.append(local)
    maps.append(_chroma_map(ycc, background))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    maps = [cv2.morphologyEx(cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel), cv2.MORPH_CLOSE, kernel)
            for m in maps]
    # a wide opening cuts off fingers and thin objects touching the page; it rounds the
    # page's corners too, which the corner refinement (lines, not corners) does not mind
    if not opened:
        return maps
    radius = min(ycc.shape[:2]) // 32
    return maps + [_open_octagon(m, radius) for m in maps]


def _chroma_map(ycc: np.ndarray, background: tuple[float, ...]) -> np.ndarray:
    """Where the colour's tint departs from the desk's, just above the noise.

    A tinted card or a slightly warm sheet on a white desk: the light channel is
    swamped by the lamp's gradient and cast shadows, which barely move the tint.
    """
    tint = cv2.transform(cv2.absdiff(ycc, background), np.float32([[0, 2, 2]]))  # doubled: half levels count
    chroma = cv2.GaussianBlur(tint, (5, 5), 0)
    level = 2 * CHROMA_LEVEL + float(np.median(chroma[::4, ::4]))
    _, mask = cv2.threshold(chroma, level, 255, cv2.THRESH_BINARY)
    return mask


def _open_octagon(mask: np.ndarray, radius: int) -> np.ndarray:
    """Opening by an octagon (a square plus a diamond): nearly a disc, at a tenth of the cost."""
    side = cv2.getStructuringElement(cv2.MORPH_RECT, (radius | 1, radius | 1))
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    steps = max(1, radius // 2)
    out = cv2.erode(cv2.erode(mask, side), cross, iterations=steps)
    return cv2.dilate(cv2.dilate(out, cross, iterations=steps), side)


def _odd(n: int) -> int:
    return max(3, n | 1)


def _border_colour(ycc: np.ndarray) -> tuple[float, ...]:
    band = max(2, min(ycc.shape[:2]) // 30)
    border = np.concatenate([ycc[:band].reshape(-1, 3), ycc[-band:].reshape(-1, 3),
                             ycc[:, :band].reshape(-1, 3), ycc[:, -band:].reshape(-1, 3)])
    return tuple(float(v) for v in np.median(border, axis=0)) + (0.0,)


def generate(ycc: np.ndarray, hsv: np.ndarray, dx: np.ndarray, dy: np.ndarray,
             min_area: float, texture: float, opened: bool = True) -> list[np.ndarray]:
    """All candidate quads in the frame's pixels.

    `ycc` and `hsv` are the frame in YCrCb and HSV, `dx`/`dy` its int16 Sobel
    gradients, `texture` its median gradient (grey levels per pixel). Without
    `opened`, the segmentations are not also opened wide to cut off fingers (the page
    net's outlines already leave the hand out).
    """
    quads = []
    for edges in edge_maps(dx, dy, texture):
        quads += _quads_from_map(edges, min_area, cv2.RETR_LIST)
    coarse = cv2.pyrDown(ycc)
    cdx, cdy = cv2.Sobel(coarse, cv2.CV_16S, 1, 0, ksize=3), cv2.Sobel(coarse, cv2.CV_16S, 0, 1, ksize=3)
    for edges in edge_maps(cdx, cdy, texture)[:3]:
        quads += [q * 2 for q in _quads_from_map(edges, min_area / 4, cv2.RETR_LIST)]
    for mask in segment_maps(ycc, hsv, opened):
        quads += _quads_from_map(mask, min_area, cv2.RETR_CCOMP)
    return quads
