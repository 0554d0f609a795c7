"""Quadrilateral helpers: corner order, convexity, page aspect, the SmartDoc IoU."""

from __future__ import annotations

import cv2
import numpy as np

A4_MM = (210.0, 297.0)
ID_CARD_MM = (85.6, 54.0)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order 4 points top-left, top-right, bottom-right, bottom-left (image coordinates)."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, starting near the left
    start = int(np.argmin(pts.sum(axis=1)))  # top-left has the smallest x + y
    return np.roll(pts, -start, axis=0).astype(np.float32)


def is_convex(quad: np.ndarray) -> bool:
    return bool(cv2.isContourConvex(np.asarray(quad, np.float32).reshape(-1, 1, 2)))


def quad_area(quad: np.ndarray) -> float:
    return float(abs(cv2.contourArea(np.asarray(quad, np.float32).reshape(-1, 1, 2))))


def side_lengths(quad: np.ndarray) -> np.ndarray:
    q = np.asarray(quad, np.float32).reshape(4, 2)
    return np.linalg.norm(q - np.roll(q, -1, axis=0), axis=1)


def page_size_px(quad: np.ndarray) -> tuple[int, int]:
    """Width and height of the flattened page, from the longer of each pair of opposite sides."""
    top, right, bottom, left = side_lengths(quad)
    return int(round(max(top, bottom))), int(round(max(left, right)))


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

