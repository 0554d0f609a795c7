"""Where the page lies in a frame, as a coarse probability map from a small shipped net.

The net (page_net.onnx, 600 KB, 151k weights, trained here on generated frames by
benchmarks/train_page_net.py) sees the whole frame at 256x144 and answers, for each
2x2 block of it, how likely that block is the document. It does not place the sides:
that stays with the edge fit, which is sub-pixel. It tells the detector which of the
many rectangles in a cluttered frame is the page, and where to look for a faint one.
Run by OpenCV's own dnn module: nothing to download, no new dependency.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

MODEL_PATH = Path(__file__).with_name("page_net.onnx")
INPUT_SIZE = (256, 144)  # width, height: a 16:9 preview frame at a fifth of 720p
OUTPUT_STRIDE = 2


def prepare_input(image: np.ndarray) -> np.ndarray:
    """The frame as the net sees it: BGR uint8 at INPUT_SIZE (a 4:3 still is squeezed, not cropped)."""
    return cv2.resize(image, INPUT_SIZE, interpolation=cv2.INTER_AREA)


class Net:
    """A page net loaded from an ONNX file: the shipped one, or another to measure (benchmarks/docscan.py --fold-nets)."""

    def __init__(self, path: Path):
        self.net = cv2.dnn.readNetFromONNX(str(path))
        self.lock = threading.Lock()  # one cv2.dnn.Net is not safe to run from two threads at once

    def __call__(self, small: np.ndarray) -> np.ndarray:
        blob = cv2.dnn.blobFromImage(small, 1 / 255.0)
        with self.lock:
            self.net.setInput(blob)
            logits = self.net.forward()
        return 0.5 + 0.5 * np.tanh(0.5 * logits[0, 0])  # the logistic function, without overflow far from 0


_enabled = True


@lru_cache(maxsize=1)
def _model() -> Net | None:
    return Net(MODEL_PATH) if MODEL_PATH.exists() else None


def _load() -> Net | None:
    return _model() if _enabled else None


def set_enabled(enabled: bool) -> None:
    """Switch the net off (or back on) for this process: to measure what it adds."""
    global _enabled
    _enabled = enabled


def available() -> bool:
    return _load() is not None


def page_probability(image: np.ndarray, net: Net | None = None) -> np.ndarray | None:
    """float32 map (INPUT_SIZE / OUTPUT_STRIDE) of how likely each cell is the page, or None without a model.

    `net` is the shipped one unless another is given.
    """
    if net is None:
        net = _load()
    if net is None:
        return None
    if is_turned(image.shape):
        return cv2.rotate(net(prepare_input(turn_for_net(image))).astype(np.float32), cv2.ROTATE_90_COUNTERCLOCKWISE)
    return net(prepare_input(image)).astype(np.float32)


def is_turned(shape: tuple[int, ...]) -> bool:
    """Whether the net sees a frame of this shape a quarter turn round: a portrait frame (a phone
    held upright) would be squeezed to a third of its width in the net's landscape input."""
    return shape[0] > shape[1]


def turn_for_net(image: np.ndarray) -> np.ndarray:
    """A portrait frame as the net sees it (turned clockwise; its map is turned back)."""
    return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)


def agreement(quads: np.ndarray, prob: np.ndarray, frame_hw: tuple[int, int]) -> np.ndarray:
    """(N,) soft IoU of each quad (frame pixels) with the page map: 1 when the quad is the net's page.

    A card's photo, a table on a form or a shadow's lit half lie inside the page and
    score their share of it; a phone or a keyboard key beside it scores near 0.
    """
    mh, mw = prob.shape
    scale = np.float32([mw / frame_hw[1], mh / frame_hw[0]])
    mass = float(prob.sum())
    fill = np.zeros((mh, mw), np.uint8)
    out = []
    bits = 4  # sub-cell corners: fillConvexPoly takes fixed-point points
    pts = np.rint(((quads + 0.5) * scale - 0.5) * (1 << bits)).astype(np.int32)
    # each quad drawn and summed within its bounding box only (a cell's margin either side)
    low = np.clip((pts.min(axis=1) >> bits) - 1, 0, [mw, mh])
    high = np.clip((pts.max(axis=1) >> bits) + 2, 0, [mw, mh])
    local = pts - (low << bits)[:, None, :]
    # the loop reads plain ints and a bool view of the drawn box: per quad it costs a few microseconds
    for i, ((x0, y0), (x1, y1)) in enumerate(zip(low.tolist(), high.tolist())):
        box = fill[y0:y1, x0:x1]
        box.fill(0)
        if box.size:
            cv2.fillConvexPoly(box, local[i], 1, cv2.LINE_8, bits)
        covered = prob[y0:y1, x0:x1][box.view(bool)]  # the map under the quad
        inter = float(covered.sum())
        out.append(inter / max(len(covered) + mass - inter, 1e-6))
    return np.array(out, np.float32)


def mask_contours(prob: np.ndarray, frame_hw: tuple[int, int], levels=(0.5,)) -> list[np.ndarray]:
    """Outlines of the page map's blobs at each level, in frame pixels (float32 N x 1 x 2)."""
    mh, mw = prob.shape
    scale = np.float32([frame_hw[1] / mw, frame_hw[0] / mh])
    fine = cv2.resize(prob, (mw * 4, mh * 4), interpolation=cv2.INTER_LINEAR)  # smoother than the cells
    out = []
    for level in levels:
        binary = (fine > level).astype(np.uint8)
        contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        out += [((c.astype(np.float32) + 0.5) / 4 * scale - 0.5) for c in contours]
    return out


def snap_to_contour(quad: np.ndarray, contour: np.ndarray, fits: dict | None = None) -> np.ndarray:
    """`quad` with each side moved onto the line through the middle of the contour's run beside it.

    The quad of a blob's hull is pulled out at its corners by rounding and by anything
    merged with the blob; the middle of each side lies on the page's edge. `fits` holds the
    lines fitted so far to runs of this contour (a robust fit costs more than the rest of the snap).
    """
    pts = contour.reshape(-1, 2).astype(np.float32)
    side = np.roll(quad, -1, axis=0) - quad  # (4, 2): side i runs from corner i to corner i+1
    length = np.maximum(np.linalg.norm(side, axis=1), 1e-6)
    tangent = side / length[:, None]
    rel = pts[None] - quad[:, None]  # (4, M, 2)
    along = np.einsum("smk,sk->sm", rel, tangent) / length[:, None]
    across = rel[..., 1] * tangent[:, None, 0] - rel[..., 0] * tangent[:, None, 1]
    near = (along > 0.15) & (along < 0.85) & (np.abs(across) < 0.06 * length[:, None] + 2)
    if (near.sum(axis=1) < 5).any():
        return quad
    fits = {} if fits is None else fits
    lines = []
    for run in near:
        key = run.tobytes()
        if key not in fits:
            fits[key] = cv2.fitLine(pts[run], cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        vx, vy, x0, y0 = fits[key]
        lines.append((np.float64([vx, vy]), np.float64([x0, y0])))
    corners = []
    for i in range(4):
        (d1, p1), (d2, p2) = lines[i - 1], lines[i]
        cross = d1[0] * d2[1] - d1[1] * d2[0]
        if abs(cross) < 1e-3:
            return quad
        s = ((p2[0] - p1[0]) * d2[1] - (p2[1] - p1[1]) * d2[0]) / cross
        corners.append(p1 + s * d1)
    return np.float32(corners)
