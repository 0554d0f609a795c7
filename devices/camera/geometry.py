"""Quadrilateral helpers: corner order, convexity, page aspect, the SmartDoc IoU."""

from __future__ import annotations

import cv2
import numpy as np

A4_MM = (210.0, 297.0)
TYPICAL_FOCAL = 0.9  # focal length / frame width of a phone or a document camera (about 60 degrees across)
ID_CARD_MM = (85.6, 54.0)
NEXT, PREV = [1, 2, 3, 0], [3, 0, 1, 2]  # each corner's neighbours: np.roll's result, at a fraction of its cost


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order 4 points top-left, top-right, bottom-right, bottom-left (image coordinates)."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, starting near the left
    start = int(np.argmin(pts.sum(axis=1)))  # top-left has the smallest x + y
    return np.roll(pts, -start, axis=0).astype(np.float32)


def rotation(angle: float, dtype=np.float32) -> np.ndarray:
    """The 2x2 matrix turning a point by `angle` radians (counter-clockwise on a y-up plane)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]], dtype)


def is_convex(quad: np.ndarray) -> bool:
    return bool(cv2.isContourConvex(np.asarray(quad, np.float32).reshape(-1, 1, 2)))


def quad_area(quad: np.ndarray) -> float:
    return float(abs(cv2.contourArea(np.asarray(quad, np.float32).reshape(-1, 1, 2))))


def signed_areas(quads: np.ndarray) -> np.ndarray:
    """(N,) areas of a stack of quads (N, 4, 2), positive when clockwise on screen (shoelace)."""
    x, y = quads[..., 0], quads[..., 1]
    return 0.5 * (x * y[:, NEXT] - x[:, NEXT] * y).sum(axis=1)


def side_lengths(quad: np.ndarray) -> np.ndarray:
    q = np.asarray(quad, np.float32).reshape(4, 2)
    return np.linalg.norm(q - np.roll(q, -1, axis=0), axis=1)


def page_size_px(quad: np.ndarray, frame_size: tuple[int, int] | None = None) -> tuple[int, int]:
    """Width and height of the flattened page, from the longer of each pair of opposite sides.

    With the frame's (width, height), the proportions are the page's true ones seen
    through a pinhole camera centred on the frame, not the foreshortened sides': a page
    photographed at a slant has its far side shorter, and side lengths alone can turn
    an A4 sheet into an ID card's proportions.
    """
    top, right, bottom, left = side_lengths(quad)
    w, h = max(top, bottom), max(left, right)
    if frame_size:
        aspect = true_aspect(quad, frame_size)
        if w / h > aspect:
            h = w / aspect
        else:
            w = h * aspect
    return int(round(w)), int(round(h))


def true_aspect(quad: np.ndarray, frame_size: tuple[int, int]) -> float:
    """Width / height of the rectangle that projects to `quad` (TL, TR, BR, BL).

    Zhang and He, "Whiteboard scanning and image enhancement" (2007): the focal length
    and the aspect follow from the quad alone, given square pixels and the principal
    point at the frame's centre. With one vanishing point (two sides parallel in the
    image) or a nearly square-on view the focal length is ill-posed, and a typical
    camera's stands in: the proportions then hardly depend on it.
    """
    tl, tr, br, bl = (np.append(np.asarray(p, np.float64), 1.0) for p in np.asarray(quad).reshape(4, 2))
    m1, m2, m3, m4 = tl, tr, bl, br
    k2 = np.dot(np.cross(m1, m4), m3) / np.dot(np.cross(m2, m4), m3)
    k3 = np.dot(np.cross(m1, m4), m2) / np.dot(np.cross(m3, m4), m2)
    n2, n3 = k2 * m2 - m1, k3 * m3 - m1
    u0, v0 = frame_size[0] / 2.0, frame_size[1] / 2.0
    f2 = (TYPICAL_FOCAL * frame_size[0]) ** 2
    if abs(n2[2]) > 1e-6 and abs(n3[2]) > 1e-6:  # two vanishing points: the focal length follows
        found = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + n2[2] * n3[2] * u0 ** 2)
                  + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + n2[2] * n3[2] * v0 ** 2)) / (n2[2] * n3[2])
        if (0.3 * frame_size[0]) ** 2 < found < (5 * frame_size[0]) ** 2:  # else a near square-on view: ill-posed
            f2 = found
    a_inv = np.linalg.inv(np.array([[np.sqrt(f2), 0, u0], [0, np.sqrt(f2), v0], [0, 0, 1]]))
    w2, h2 = a_inv @ n2, a_inv @ n3
    return float(np.sqrt(np.dot(w2, w2) / np.dot(h2, h2)))


def rectified_aspects(quads: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """(N,) width / height of the rectangles that project to ordered quads (N, 4, 2), TL TR BR BL.

    true_aspect's construction, batched, with a typical camera's focal length rather than
    one estimated from each quad: that estimate is ill-posed for most views, and a focal
    length a quarter off moves the proportions by only a few per cent. NaN for a quad
    that is no projection of a rectangle.
    """
    pts = np.concatenate([quads, np.ones(quads.shape[:2] + (1,), quads.dtype)], axis=2).astype(np.float64)
    m1, m2, m4, m3 = pts[:, 0], pts[:, 1], pts[:, 2], pts[:, 3]
    c14 = _cross(m1, m4)
    with np.errstate(divide="ignore", invalid="ignore"):
        k2 = (c14 * m3).sum(axis=1) / (_cross(m2, m4) * m3).sum(axis=1)
        k3 = (c14 * m2).sum(axis=1) / (_cross(m3, m4) * m2).sum(axis=1)
        f, u0, v0 = TYPICAL_FOCAL * frame_size[0], frame_size[0] / 2, frame_size[1] / 2
        w2, h2 = (_back_project(k[:, None] * m - m1, f, u0, v0) for k, m in ((k2, m2), (k3, m3)))
        return np.sqrt((w2 ** 2).sum(axis=1) / (h2 ** 2).sum(axis=1))


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.cross of two stacks of 3-vectors (N, 3), the same products, at half its cost on a few hundred."""
    a0, a1, a2 = a.T
    b0, b1, b2 = b.T
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=1)


def _back_project(n: np.ndarray, f: float, u0: float, v0: float) -> np.ndarray:
    return np.stack([(n[:, 0] - u0 * n[:, 2]) / f, (n[:, 1] - v0 * n[:, 2]) / f, n[:, 2]], axis=1)


def corner_angles(quad: np.ndarray) -> np.ndarray:
    """Interior angles in degrees."""
    q = np.asarray(quad, np.float64).reshape(4, 2)
    prev = np.roll(q, 1, axis=0) - q
    nxt = np.roll(q, -1, axis=0) - q
    cos = (prev * nxt).sum(1) / (np.linalg.norm(prev, axis=1) * np.linalg.norm(nxt, axis=1) + 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def polygon_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of two convex polygons (float32 Nx2)."""
    a = np.asarray(a, np.float32).reshape(-1, 1, 2)
    b = np.asarray(b, np.float32).reshape(-1, 1, 2)
    area_a, area_b = abs(cv2.contourArea(a)), abs(cv2.contourArea(b))
    if area_a <= 0 or area_b <= 0:
        return 0.0
    if not (cv2.isContourConvex(a) and cv2.isContourConvex(b)):
        return _raster_iou(a, b)
    inter, _ = cv2.intersectConvexConvex(a, b)
    return float(inter / (area_a + area_b - inter))


def _raster_iou(a: np.ndarray, b: np.ndarray, size: int = 1024) -> float:
    pts = np.vstack([a, b]).reshape(-1, 2)
    lo, hi = pts.min(0), pts.max(0)
    scale = (size - 1) / max(float((hi - lo).max()), 1e-6)
    masks = []
    for poly in (a, b):
        mask = np.zeros((size, size), np.uint8)
        cv2.fillPoly(mask, [np.round((poly.reshape(-1, 2) - lo) * scale).astype(np.int32)], 1)
        masks.append(mask.astype(bool))
    union = np.logical_or(*masks).sum()
    return float(np.logical_and(*masks).sum() / union) if union else 0.0


def smartdoc_iou(found: np.ndarray | None, truth: np.ndarray, doc_size: tuple[float, float]) -> float:
    """SmartDoc 2015 measure: both quads warped into the document's own frame, then IoU.

    `doc_size` is the document's (width, height) in any unit; a missed page scores 0.
    """
    if found is None:
        return 0.0
    w, h = doc_size
    doc_rect = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    to_doc = cv2.getPerspectiveTransform(order_corners(truth), doc_rect)
    warped = cv2.perspectiveTransform(order_corners(found).reshape(-1, 1, 2), to_doc).reshape(4, 2)
    return polygon_iou(warped, doc_rect)

