"""Page-outline candidates from several independent cues.

Each cue turns the (downscaled) frame into a binary map: edges just above the frame's
texture, and segmentations by brightness, saturation and distance from the background
colour. Every large enough region or edge chain of every map becomes one or more
convex quadrilaterals. Scoring decides later; here recall matters most.
"""

from __future__ import annotations

import cv2
import numpy as np

from .contour_quads import quads_from_contours

CHROMA_LEVEL = 2.5  # Cr + Cb levels above the frame's median tint distance: a card on a white desk


def _contours_of_map(binary: np.ndarray, min_area: float, mode: int) -> list[np.ndarray]:
    """The map's contours whose bounding box could hold a page."""
    contours, _ = cv2.findContours(binary, mode, cv2.CHAIN_APPROX_SIMPLE)
    kept = []
    for c in contours:
        if len(c) >= 4:
            _, _, w, h = cv2.boundingRect(c)
            if w * h >= min_area:
                kept.append(c)
    return kept


def edge_maps(dx: np.ndarray, dy: np.ndarray, texture: float) -> list[np.ndarray]:
    """Canny just above this frame's texture level (white page on a white desk), as found and thickened.

    Canny at fixed higher levels (30/90 and 70/180 grey levels per pixel), and at half the
    detector's scale, added candidates that changed no outcome on the real frames or on 600
    generated ones, at about a fifth of the detection time: they are gone.
    """
    low, high = max(1.5, 2.5 * texture), max(4.0, 6 * texture)
    edges = cv2.Canny(dx, dy, low * 4, high * 4, L2gradient=True)  # 3x3 Sobel gains 4
    # undilated too: thickening joins a faint page outline to the table, hand or shadow
    # edges next to it, and the joined contour no longer outlines the page
    return [edges, cv2.dilate(edges, np.ones((3, 3), np.uint8))]


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
             min_area: float, texture: float, opened: bool = True) -> np.ndarray:
    """All candidate quads (N, 4, 2) in the frame's pixels.

    `ycc` and `hsv` are the frame in YCrCb and HSV, `dx`/`dy` its int16 Sobel
    gradients, `texture` its median gradient (grey levels per pixel). Without
    `opened`, the segmentations are not also opened wide to cut off fingers (the page
    net's outlines already leave the hand out).
    """
    contours = [c for edges in edge_maps(dx, dy, texture) for c in _contours_of_map(edges, min_area, cv2.RETR_LIST)]
    contours += [c for mask in segment_maps(ycc, hsv, opened) for c in _contours_of_map(mask, min_area, cv2.RETR_CCOMP)]
    return quads_from_contours(contours)
