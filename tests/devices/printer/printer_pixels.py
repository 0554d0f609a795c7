"""Reading the simulator's PNGs: decode QR codes, count rows of text, compare glyphs."""

from __future__ import annotations

import numpy as np
from PIL import Image
from pyzbar import pyzbar


def decode_qr(path_or_image) -> list[str]:
    image = path_or_image if isinstance(path_or_image, Image.Image) else Image.open(path_or_image)
    return [symbol.data.decode("utf-8") for symbol in pyzbar.decode(image.convert("L"))]


def ink_bands(image: Image.Image, min_gap: int = 3) -> list[tuple[int, int]]:
    """Horizontal bands that hold dark pixels (rows of text, rules, codes), top to bottom."""
    dark_rows = (np.asarray(image.convert("L")) < 128).any(axis=1)
    bands, start, gap = [], None, 0
    for y, dark in enumerate(dark_rows):
        if dark:
            if start is None:
                start = y
            gap = 0
        elif start is not None:
            gap += 1
            if gap >= min_gap:
                bands.append((start, y - gap + 1))
                start, gap = None, 0
    if start is not None:
        bands.append((start, len(dark_rows)))
    return bands


def ink(image: Image.Image) -> np.ndarray:
    """The dark pixels, cropped to their bounding box."""
    dark = np.asarray(image.convert("L")) < 128
    rows, cols = np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))
    if not len(rows):
        return dark[:0, :0]
    return dark[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
