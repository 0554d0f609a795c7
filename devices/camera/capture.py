"""From a full-resolution still to a clean, flat, upright page image."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .errors import CaptureFailed
from .geometry import page_size_px
from .page_cleanup import clean_colour, clean_document
from .page_detect import find_page
from .page_orientation import rotate_quarter_turns, upright_rotation
from .page_sizes import guess_page_size_mm, snap_aspect

MODES = ("document", "color")
MAX_LONG_SIDE = 2400  # an A4 page at ~200 dpi: readable, and small enough to upload
NOT_FOUND_MESSAGE = "没有找到材料的边缘，已保存整个画面。请把材料平放在拍摄区中央、不要用手遮挡边缘后重拍。"
FOUND_MESSAGE = "已拍好。"


@dataclass
class CaptureResult:
    image: np.ndarray  # BGR uint8, flat and upright
    corners: np.ndarray  # 4x2 float32 in the still's pixels (the whole frame when not found)
    found: bool
    message: str  # plain Chinese, for the screen
    mode: str = "document"
    page_size_mm: tuple[float, float] | None = None  # (width, height) when the kind of page is recognised


def capture(still: np.ndarray, mode: str = "document") -> CaptureResult:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if still is None or still.ndim != 3 or still.shape[2] != 3 or min(still.shape[:2]) < 16:
        raise CaptureFailed(detail="the still is empty or not a BGR image")
    h, w = still.shape[:2]
    corners = find_page(still)
    found = corners is not None
    if not found:
        corners = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    page = flatten(still, corners) if found else _fit(still)
    page = rotate_quarter_turns(page, upright_rotation(page))
    page = clean_document(page) if mode == "document" else clean_colour(page)
    ph, pw = page.shape[:2]
    return CaptureResult(page, corners, found, FOUND_MESSAGE if found else NOT_FOUND_MESSAGE, mode,
                         guess_page_size_mm(pw, ph) if found else None)


def flatten(still: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Warp the page to a rectangle with its true proportions, at most MAX_LONG_SIDE long."""
    w, h = page_size_px(corners, (still.shape[1], still.shape[0]))
    w, h = snap_aspect(w, h)
    scale = min(1.0, MAX_LONG_SIDE / max(w, h))
    w, h = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(still, m, (w, h), flags=cv2.INTER_AREA if scale < 0.7 else cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def _fit(still: np.ndarray) -> np.ndarray:
    h, w = still.shape[:2]
    scale = min(1.0, MAX_LONG_SIDE / max(h, w))
    return cv2.resize(still, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else still.copy()
