"""The hall's figures from counts the database has already aggregated: pure arithmetic.

Percentiles come from per-minute histograms (a minute is as fine as a hall's report
needs), so the database never ships individual rows, however many there are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

SATISFIED = (5, 4)  # 非常满意, 满意
TARGET_SATISFACTION = 0.95  # seed 002
TARGET_ON_TIME = 1.0  # seed 002: on-time completion 100 %


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percentile_from_histogram(minutes: Mapping[int, int], fraction: float) -> int | None:
    """The smallest whole minute m such that at least ``fraction`` of the values are below m+1."""
    total = sum(minutes.values())
    if not total:
        return None
    needed, seen = fraction * total, 0
    for minute in sorted(minutes):
        seen += minutes[minute]
        if seen >= needed:
            return minute + 1  # values in bucket m lie in [m, m+1) minutes
    return max(minutes) + 1


@dataclass(frozen=True)
class Durations:
    count: int
    mean_min: float | None
    p90_min: int | None

    @classmethod
    def of(cls, count: int, total_seconds: float | None, histogram: Mapping[int, int]) -> "Durations":
        mean = round(total_seconds / count / 60, 1) if count and total_seconds is not None else None
        return cls(count, mean, percentile_from_histogram(histogram, 0.9))


def satisfaction(scores: Mapping[int, int]) -> dict:
    """``scores``: how many ratings of each level (excluded ones already left out)."""
    rated = sum(scores.values())
    satisfied = sum(scores.get(s, 0) for s in SATISFIED)
    return {"rated": rated, "satisfied": satisfied, "rate": share(satisfied, rated),
            "meets_target": None if not rated else satisfied / rated >= TARGET_SATISFACTION}
