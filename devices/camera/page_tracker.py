"""Steady page outline for the live preview.

Detections wobble by a pixel or two from frame to frame (sensor noise, JPEG). The
tracker holds the outline still while the page is still, follows a move at once (the
outline is drawn on the frame it was found in), and lets go of it as soon as no page
has been found for `max_missed_s`: an outline over an empty desk tells the citizen a page is framed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class PageTracker:
    still_tolerance: float = 0.006  # corner motion, as a share of the frame diagonal, that counts as noise
    move_threshold: float = 0.03  # a motion beyond this is a real move: jump to the new outline
    smoothing: float = 0.12  # weight of a new detection while the page is still
    max_missed_s: float = 0.0  # seconds without a page before the outline is dropped: at once, by default
    steady_frames: int = 8  # frames without a move before the page counts as steady
    corners: np.ndarray | None = field(default=None, init=False)
    still_for: int = field(default=0, init=False)
    _last_found: float = field(default=0.0, init=False, repr=False)

    def update(self, found: np.ndarray | None, frame_size: tuple[int, int], now: float | None = None) -> np.ndarray | None:
        """Feed one frame's detection (or None) taken at `now` (monotonic seconds); returns the outline to draw, or None."""
        now = time.monotonic() if now is None else now
        if found is None:
            if self.corners is not None and now - self._last_found > self.max_missed_s:
                self.reset()
            return None if self.corners is None else self.corners.copy()
        self._last_found = now
        found = np.asarray(found, np.float32)
        if self.corners is None:
            self.corners, self.still_for = found.copy(), 0
            return self.corners.copy()
        diag = float(np.hypot(*frame_size))
        motion = self._distance(found, self.corners) / diag
        if motion <= self.still_tolerance:
            self.corners = self.corners + self.smoothing * (found - self.corners)
            self.still_for += 1
            return self.corners.copy()
        span = self.move_threshold - self.still_tolerance
        weight = self.smoothing + (1 - self.smoothing) * min(1.0, (motion - self.still_tolerance) / span)
        self.corners = self.corners + weight * (found - self.corners)
        self.still_for = 0
        return self.corners.copy()

    @staticmethod
    def _distance(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.linalg.norm(a - b, axis=1).max())

    @property
    def steady(self) -> bool:
        """The page has lain still long enough to take the picture (auto-capture)."""
        return self.corners is not None and self.still_for >= self.steady_frames

    def reset(self) -> None:
        self.corners, self.still_for, self._last_found = None, 0, 0.0
