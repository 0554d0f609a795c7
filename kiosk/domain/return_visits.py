"""Return visits (回访): a regular random sample of completed services and proxy cases called
for their satisfaction (seed 004: 采取随机抽取的方式…满意度回访评价; seed 001: 定期进行回访),
beside the follow-ups bad ratings open. The draw is seeded by the hall and the period, so the
same records always give the same sample and an inspector can check it."""
from __future__ import annotations

import math
import random
from typing import Sequence

SUBJECT_NAMES = {"service": "窗口服务", "case": "代办件"}
STATUS_NAMES = {"drawn": "待回访", "done": "已回访", "unreachable": "无法联系"}
DEFAULT_SHARE = 0.05  # one in twenty
MIN_SAMPLE = 5


def sample_size(population: int, share: float = DEFAULT_SHARE, minimum: int = MIN_SAMPLE) -> int:
    """At least ``minimum`` (or all there are), else ``share`` of them rounded up."""
    if population <= 0:
        return 0
    return min(population, max(minimum, math.ceil(population * share)))


def seed_of(hall_id: int, period: str) -> str:
    return f"bangban-return-visits/{hall_id}/{period}"


def draw(candidates: Sequence[tuple[str, int]], size: int, seed: str) -> list[tuple[str, int]]:
    """``size`` of the (subject, id) candidates, at random from ``seed``; the candidates' order
    does not matter."""
    pool = sorted(set(candidates))
    return sorted(random.Random(seed).sample(pool, min(size, len(pool))))
