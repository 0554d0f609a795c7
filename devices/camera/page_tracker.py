"""Steady page outline for the live preview.

Detections wobble by a pixel or two from frame to frame (sensor noise, JPEG), and now
and then one frame picks a wrong outline (a finger, a shadow). The tracker holds the
outline still while the page is still, ignores a change seen in one frame only,
follows at once when a change is confirmed by the next frame, and lets go after a
few frames without a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class PageTracker:
    still_tolerance: float = 0.006  # corner motion, as a share of the frame diagonal, that counts as noise
    move_threshold: float = 0.03  # a confirmed motion beyond this is a real move: jump to the new outline
    smoothing: float = 0.12  # weight of a new detection while the page is still
    max_missed: int = 5  # frames without a page before the outline is dropped
    steady_frames: int = 8  # frames without a move before the page counts as steady
    corners: np.ndarray | None = field(default=None, init=False)
    missed: int = field(default=0, init=False)
    still_for: int = field(default=0, init=False)
    _pending: np.ndarray | None = field(default=None, init=False, repr=False)

    def update(self, found: np.ndarray | None, frame_size: tuple[int, int]) -> np.ndarray | None:
        """Feed one frame's detection (or None); returns the outline to draw, or None."""
        if found is None:
            self.missed += 1
            if self.missed > self.max_missed:
                self.reset()
            return None if self.corners is None else self.corners.copy()
        self.missed = 0
        found = np.asarray(found, np.float32)
        if self.corners is None:
            self.corners, self.still_for = found.copy(), 0
            return self.corners.copy()
        diag = float(np.hypot(*frame_size))
        motion = self._distance(found, self.corners) / diag
        if motion <= self.still_tolerance:
            self._pending = None
            self.corners = self.corners + self.smoothing * (found - self.corners)
            self.still_for += 1
            return self.corners.copy()
        confirmed = self._pending is not None and self._distance(found, self._pending) / diag <= 2 * self.still_tolerance
        self._pending = None if confirmed else found
        if confirmed:
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
        self.corners, self.missed, self.still_for, self._pending = None, 0, 0, None
