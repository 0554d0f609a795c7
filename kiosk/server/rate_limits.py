"""Bounds on how fast one device may do something, kept in this process's memory.

With several server processes each keeps its own count, so the bound is per process: still
far below what a leaked token could do without it.
"""
from __future__ import annotations

import threading
import time


class PerMinute:
    """At most ``per_minute`` a minute for each key, in bursts of up to as many (a token bucket)."""

    def __init__(self, per_minute: int):
        self.rate, self.burst = per_minute / 60.0, float(per_minute)
        self._buckets: dict[object, tuple[float, float]] = {}  # key: (tokens, when counted)
        self._lock = threading.Lock()

    def take(self, key) -> float | None:
        """None if ``key`` may go ahead now (and it is counted), else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) > 10_000:  # one per device: only a flood of made-up keys gets here
                self._buckets.clear()
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return (1 - tokens) / self.rate
            self._buckets[key] = (tokens - 1, now)
            return None
