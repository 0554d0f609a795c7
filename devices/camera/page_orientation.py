"""Turn a flattened page upright, cheaply.

Chinese characters sit on a grid, so ink is periodic both ways; what tells the
direction of the lines is the gaps: between lines there are wide empty bands, between
characters hardly any. The gaps are measured tile by tile, so the blank middle of a
certificate (title at one end, text at the other) does not count as a gap both ways.
Left-aligned lines with ragged ends then tell upright from upside down. Without enough
text to go by, the page stays as photographed.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_LONG_SIDE = 600


def _ink(page: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    scale = WORK_LONG_SIDE / max(grey.shape)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    paper = cv2.GaussianBlur(cv2.dilate(small, np.ones((9, 9), np.uint8)), (0, 0), 8).astype(np.float32)
    ink = (small.astype(np.float32) < 0.7 * paper).astype(np.uint8)  # clearly darker than the paper around
    m = max(2, int(0.04 * min(ink.shape)))  # ignore the border: leftover desk or edge shadow
    return _drop_large_marks(ink[m:-m, m:-m])


def _drop_large_marks(ink: np.ndarray) -> np.ndarray:
    """Keep character-sized ink: photos, table rules and stamps say nothing about reading direction."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    limit = 0.08 * WORK_LONG_SIDE
    large = (stats[:, cv2.CC_STAT_WIDTH] > limit) | (stats[:, cv2.CC_STAT_HEIGHT] > limit)
    large[0] = True  # the background label
    return np.where(large[labels], 0, ink).astype(np.uint8)


def _gap_share(ink: np.ndarray, axis: int) -> float:
    """Share of empty lines across the inked span, summing along `axis`."""
    profile = ink.sum(axis=axis)
    inked = np.flatnonzero(profile > 0)
    if len(inked) < 10:
        return 0.0
    span = profile[inked[0]:inked[-1] + 1]
    return float(np.mean(span <= 0.02 * span.max()))


def _text_lines(ink: np.ndarray) -> list[tuple[int, int]]:
    filled = ink.sum(axis=1) > 0
    lines, start = [], None
    for i, f in enumerate(np.append(filled, False)):
        if f and start is None:
            start = i
        elif not f and start is not None:
            if i - start >= 3:
                lines.append((start, i))
            start = None
    return lines


def _upside_down(ink: np.ndarray) -> bool:
    """Line starts vary more than line ends: the text is aligned on the right, so it is upside down."""
    lines = _text_lines(ink)
    if len(lines) < 4:
        return False
    starts, ends = [], []
    for a, b in lines:
        cols = np.flatnonzero(ink[a:b].any(axis=0))
        starts.append(cols[0])
        ends.append(cols[-1])
    starts, ends = np.array(starts, float), np.array(ends, float)
    spread_start = np.median(np.abs(starts - np.median(starts)))
    spread_end = np.median(np.abs(ends - np.median(ends)))
    return spread_start > 2 * spread_end + 2


TILES = 3  # the ink is judged in TILES x TILES parts of the page, each on its own inked span
MIN_TILE_INK = 0.01  # share of a tile's pixels inked for its gaps to count


def upright_rotation(page: np.ndarray) -> int:
    """Clockwise quarter turns (0..3) that make the page upright (0 when there is too little text)."""
    ink = _ink(page)
    if ink.mean() > 0.005:
        row_gaps, col_gaps = _tiled_gap_shares(ink)
        if max(row_gaps, col_gaps) > 0.15 and abs(row_gaps - col_gaps) > 0.07:
            turns = 0
            if col_gaps > row_gaps:  # lines run down the page: it lies sideways
                turns, ink = 1, np.rot90(ink, -1)
            return (turns + (2 if _upside_down(ink) else 0)) % 4
    return 0


def _tiled_gap_shares(ink: np.ndarray) -> tuple[float, float]:
    """Gap shares across rows and across columns, averaged over the inked tiles, weighted by ink."""
    h, w = ink.shape
    rows, cols, weights = [], [], []
    for i in range(TILES):
        for j in range(TILES):
            tile = ink[i * h // TILES:(i + 1) * h // TILES, j * w // TILES:(j + 1) * w // TILES]
            if tile.mean() < MIN_TILE_INK:
                continue
            rows.append(_gap_share(tile, 1))
            cols.append(_gap_share(tile, 0))
            weights.append(float(tile.sum()))
    if not weights:
        return 0.0, 0.0
    return float(np.average(rows, weights=weights)), float(np.average(cols, weights=weights))


def rotate_quarter_turns(image: np.ndarray, turns: int) -> np.ndarray:
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, codes[turns % 4]) if turns % 4 else image
