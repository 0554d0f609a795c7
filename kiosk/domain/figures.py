"""The hall's figures from counts the database has already aggregated: pure arithmetic.

Percentiles come from per-minute histograms (a minute is as fine as a hall's report
needs), so the database never ships individual rows, however many there are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

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


def assessment(*, services: int, rated: int, satisfied_rate: float | None, cases_closed: int,
               cases_on_time: int, entrusted_without_signature: int = 0,
               follow_ups_open_overdue: int = 0) -> list[dict]:
    """Seed 004's 100-point table, scored where our records can say and marked manual where not."""
    def line(item: str, full: int, score: float | None, basis: str) -> dict:
        return {"item": item, "full": full, "score": None if score is None else round(score, 1),
                "basis": basis, "manual": score is None}

    on_time = share(cases_on_time, cases_closed)
    coverage = share(rated, services)
    efficiency = None if on_time is None else max(0.0, 40 * on_time - 3 * entrusted_without_signature)
    rating = None if satisfied_rate is None or coverage is None else 10 * min(1.0, satisfied_rate / 0.95) * coverage
    complaints = max(0.0, 10 - 3 * follow_ups_open_overdue)
    return [
        line("服务体系建设", 20, None, "人员、场所、制度上墙情况需现场检查"),
        line("制度执行", 10, None, "制度落实情况需查阅资料"),
        line("办理效率", 40, efficiency, "按时办结率 × 40，未签委托书每件扣 3 分"),
        line("信息互通", 10, None, "上下级信息报送情况需人工核对"),
        line("群众评价", 10, rating, "满意率（以 95% 为满分）× 评价覆盖率 × 10"),
        line("投诉处理", 10, complaints, "超期未关闭的差评回访每件扣 3 分"),
    ]


def total_score(lines: Iterable[dict]) -> dict:
    lines = list(lines)
    scored = [l for l in lines if not l["manual"]]
    return {"scored": round(sum(l["score"] for l in scored), 1), "of": sum(l["full"] for l in scored),
            "manual_items": [l["item"] for l in lines if l["manual"]]}
