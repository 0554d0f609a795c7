"""Training data for the page net: a frame's page mask, and frames made from staged real photographs.

A staged folder (../shared/tools/stage_real_frames.py: NN_k.jpg and gt.json, whose items name
their `image`, `folder` and true corners `quad_tl_tr_br_bl`) holds a few dozen frames: each is
drawn COPIES times, every time differently, so the net learns the cards and desks rather than the
frames. Every copy is what the detector would hand the net from such a frame (a portrait frame a
quarter turn round, page_net.turn_for_net), turned either way, then rotated a little, zoomed,
shifted and tilted, cut to a 16:9 or 4:3 camera's field, and given another lamp's colour, some blur,
noise, a shadow's gradient and JPEG loss. Folders named in `leave_out` are not read at all.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from benchmarks import staged_frames
from devices.camera.page_net import INPUT_SIZE, OUTPUT_STRIDE, is_turned, prepare_input, turn_for_net

REAL_SEED = 778  # beside train_page_net.TRAIN_SEED: the copies' own random stream
CANVAS_WIDTH = 512  # the camera field drawn before prepare_input squeezes it to INPUT_SIZE (256 px wide)
WORK_LONG_SIDE = CANVAS_WIDTH  # the frame is shrunk to this before it is cut and warped
MAX_TILT = 15.0  # degrees of rotation either way
ZOOM = (1.0, 1.4)  # 1 fills the field with the whole (turned) frame; more cuts into it
SHIFT = 0.1  # share of the field the middle may move
PERSPECTIVE = 0.04  # share of the field each of its corners may move


def page_mask(corners: np.ndarray, frame_hw: tuple[int, int], out_hw: tuple[int, int]) -> np.ndarray:
    """The page's share of each output cell, 0..255 (drawn 8x finer, then averaged)."""
    oh, ow = out_hw
    fine = np.zeros((oh * 8, ow * 8), np.uint8)
    scale = np.float32([ow * 8 / frame_hw[1], oh * 8 / frame_hw[0]])
    cv2.fillConvexPoly(fine, np.rint((corners + 0.5) * scale - 0.5).astype(np.int32), 255, cv2.LINE_AA)
    return cv2.resize(fine, (ow, oh), interpolation=cv2.INTER_AREA)


def make_real_data(folder: Path, out: Path, leave_out: tuple[int, ...] = (), copies: int = 40,
                   seed: int = 0) -> int:
    """Write COPIES augmented copies of each kept frame (images and page masks, as make_data's); their count."""
    cv2.setNumThreads(1)
    items = staged_frames.read(folder, leave_out)
    if not items:
        raise ValueError(f"no frames left in {folder} once folders {leave_out} are left out")
    rng = np.random.default_rng([REAL_SEED, seed])
    w, h = INPUT_SIZE
    count = len(items) * copies
    images = np.empty((count, h, w, 3), np.uint8)
    masks = np.empty((count, h // OUTPUT_STRIDE, w // OUTPUT_STRIDE), np.uint8)
    folders = np.empty(count, np.int16)
    i = 0
    for it in items:
        frame, corners = _as_net_sees(it["image_data"], it["truth"])
        for _ in range(copies):
            canvas, moved = _warp(frame, corners, rng)
            images[i] = _relight(prepare_input(canvas), rng)
            masks[i] = page_mask(moved, canvas.shape[:2], masks.shape[1:])
            folders[i] = int(it["folder"])
            i += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, images=images, masks=masks, folders=folders)
    return count


def _as_net_sees(image: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The frame shrunk to WORK_LONG_SIDE and turned as page_net turns it, with its corners moved along."""
    scale = WORK_LONG_SIDE / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    pts = (corners + 0.5) * scale - 0.5
    if is_turned(small.shape):
        h = small.shape[0]
        small = turn_for_net(small)
        pts = np.stack([h - 1 - pts[:, 1], pts[:, 0]], axis=1)  # (x, y) -> (h-1-y, x): a clockwise turn
    return small, pts.astype(np.float32)


def _warp(frame: np.ndarray, corners: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One camera field cut from `frame`: half turn or not, tilt, zoom, shift, perspective; and the corners in it."""
    fh, fw = frame.shape[:2]
    cw = CANVAS_WIDTH
    ch = round(cw * (9 / 16 if rng.random() < 0.75 else 3 / 4))
    angle = np.deg2rad(rng.uniform(-MAX_TILT, MAX_TILT) + 180 * (rng.random() < 0.5))
    zoom = max(cw / fw, ch / fh) * rng.uniform(*ZOOM)
    cos, sin = np.cos(angle) * zoom, np.sin(angle) * zoom
    shift = rng.uniform(-SHIFT, SHIFT, 2) * (cw, ch)
    affine = np.float64([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]])
    affine[:2, 2] = np.float64([cw / 2, ch / 2]) + shift - affine[:2, :2] @ np.float64([fw / 2, fh / 2])
    field = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
    tilted = (field + rng.uniform(-PERSPECTIVE, PERSPECTIVE, (4, 2)) * (cw, ch)).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(field, tilted) @ affine
    canvas = cv2.warpPerspective(frame, matrix, (cw, ch), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    moved = cv2.perspectiveTransform(corners[None].astype(np.float64), matrix)[0]
    return canvas, moved.astype(np.float32)


def _relight(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Another lamp and camera: gamma, saturation, hue, a shadow's gradient, blur, noise, JPEG loss."""
    x = image.astype(np.float32) / 255
    x = x ** rng.uniform(0.7, 1.4)
    hsv = cv2.cvtColor(x, cv2.COLOR_BGR2HSV)
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-12, 12)) % 360
    hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(0.6, 1.3), 0, 1)
    x = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    if rng.random() < 0.4:
        h, w = x.shape[:2]
        direction = rng.normal(size=2)
        ramp = (np.arange(w)[None] * direction[0] / w + np.arange(h)[:, None] * direction[1] / h)
        ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
        x = x * (1 - rng.uniform(0.2, 0.5) * ramp)[..., None]
    if rng.random() < 0.4:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.4, 1.2))
    if rng.random() < 0.4:
        x = x + rng.normal(0, rng.uniform(0.005, 0.03), x.shape).astype(np.float32)
    out = np.clip(x * 255 + 0.5, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 90))])
        out = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    return out
