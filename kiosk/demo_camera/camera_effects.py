"""What a cheap camera and a hall's lamps do to a synthetic frame: light, blur, noise, JPEG.

Applied in the order the light meets them: uneven lamps and soft shadows on the desk,
the lens (vignetting, defocus, a hand's motion), the sensor (shot noise that grows with
brightness, colour noise at the Bayer pattern's scale, white balance), the encoder.
"""

from __future__ import annotations

import cv2
import numpy as np


def lighting(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = scene.shape[:2]
    a, b = rng.normal(0, 0.25, 2)
    xx = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :]
    yy = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None]
    gain = 1.0 + a * xx + b * yy
    if rng.random() < 0.5:  # a soft shadow of the camera arm or a head, drawn at quarter size
        mask = np.zeros((h // 4, w // 4), np.float32)
        pts = rng.uniform(0, 1, (4, 2)) * [w // 4, h // 4]
        cv2.fillPoly(mask, [cv2.convexHull(pts.astype(np.int32))], 1.0)
        mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(1.25, 6.25))
        gain *= 1 - rng.uniform(0.15, 0.4) * cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.4:  # vignetting of a wide, cheap lens
        gain *= 1 - rng.uniform(0.1, 0.3) * (xx ** 2 + yy ** 2) * 2
    return scene * gain[..., None]


def white_balance(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A warm or cool cast: the lamps are rarely the white the camera assumes."""
    return scene * rng.normal(1.0, 0.04, 3).astype(np.float32)


def optics(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    scene = cv2.GaussianBlur(scene, (0, 0), rng.uniform(0.3, 1.4))
    if rng.random() < 0.3:  # the hand holding the card moved during the exposure
        length = int(rng.integers(3, 12)) * max(1, scene.shape[1] // 1280)
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2] = 1.0 / length
        rot = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), float(rng.uniform(0, 180)), 1.0)
        kernel = cv2.warpAffine(kernel, rot, (length, length))
        scene = cv2.filter2D(scene, -1, kernel / max(kernel.sum(), 1e-6))
    return scene


def sensor(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Read noise, shot noise (its spread grows with the square root of the light) and colour noise."""
    h, w = scene.shape[:2]
    cv2.setRNGSeed(int(rng.integers(2**31)))  # cv2.randn is much faster than numpy here, and seeded
    noise = np.empty_like(scene)
    cv2.randn(noise, 0.0, float(rng.uniform(1.5, 5)))
    shot = np.empty_like(scene)
    cv2.randn(shot, 0.0, 1.0)
    gain = float(rng.uniform(0.0, 0.35))
    scene = scene + noise + shot * np.sqrt(np.clip(scene, 0, 255)) * gain
    if rng.random() < 0.5:
        chroma = np.empty((h // 2, w // 2, 3), np.float32)
        cv2.randn(chroma, 0.0, float(rng.uniform(1, 4)))
        scene = scene + cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
    return scene


def encode(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    img = np.clip(scene, 0, 255).astype(np.uint8)
    _, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(50, 92))])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def photograph(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The lit desk (float32 BGR) as the camera hands it over (uint8 BGR)."""
    scene = white_balance(lighting(scene, rng), rng)
    return encode(sensor(optics(scene, rng), rng), rng)
