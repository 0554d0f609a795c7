"""Cleaning a flattened page: document mode (no shadows, white paper, crisp ink) or colour mode.

Both keep red stamps red: a document without its seal's colour is not the document.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_LONG_SIDE = 400  # the paper's shading is smooth: estimate it small, apply it full size


def paper_background(image: np.ndarray) -> np.ndarray:
    """Per-channel estimate of the bare paper under the ink, same size as `image` (uint8).

    Not allowed below half the paper's brightness: a shadow dims the paper less than
    that, while a photo or a filled box would otherwise be bleached white.
    """
    h, w = image.shape[:2]
    scale = min(1.0, WORK_LONG_SIDE / max(h, w))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    size = max(3, (max(small.shape[:2]) // 40) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)  # ink is darker than paper: closing removes it
    bg = cv2.GaussianBlur(bg, (0, 0), size)
    paper = np.percentile(bg.reshape(-1, 3), 95, axis=0)
    bg = np.maximum(bg, (0.5 * paper).astype(np.uint8))
    return cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)


def flat_field(image: np.ndarray) -> np.ndarray:
    """The page as if evenly lit and on white paper (uint8)."""
    return cv2.divide(image, np.maximum(paper_background(image), 1), scale=255)


def clean_document(image: np.ndarray) -> np.ndarray:
    """Shadows and uneven light divided out, paper white, ink dark; coloured marks keep colour."""
    flat = flat_field(image)
    out = cv2.cvtColor(cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    hsv = cv2.cvtColor(flat, cv2.COLOR_BGR2HSV)
    coloured = cv2.inRange(hsv, (0, 70, 0), (180, 255, 244))
    cv2.copyTo(flat, cv2.dilate(coloured, np.ones((3, 3), np.uint8)), out)
    return cv2.LUT(out, _levels_table(black=40.0, white=215.0))


def clean_colour(image: np.ndarray) -> np.ndarray:
    """Gentle: even light, white paper, a little contrast; photos and stamps as they are."""
    return cv2.LUT(flat_field(image), _levels_table(black=10.0, white=255.0 * 255.0 / 240.0))


def _levels_table(black: float, white: float) -> np.ndarray:
    x = np.arange(256, dtype=np.float32)
    return np.clip((x - black) * (255.0 / (white - black)), 0, 255).astype(np.uint8)
