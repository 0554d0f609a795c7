"""Seed 004's assessment (帮办代办服务考核表, 附件3) as arithmetic: the six items in the seed's
order, each scored from its full marks by the seed's deductions per instance; and the annual
scoring of townships (60 %) with a sample of their villages (40 %, averaged), ranked, the top
four 优秀, below 60 不合格, a serious case 不合格 whatever its score.

Pure: the server counts instances from its records and the assessor's inspection entries,
and this turns them into scores.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Mapping, Sequence


@dataclass(frozen=True)
class Deduction:
    key: str
    name: str  # the seed's words for one instance
    points: int  # per instance


@dataclass(frozen=True)
class Item:
    key: str
    name: str
    full: int
    deductions: tuple[Deduction, ...]
    zero_if: str = ""  # the seed's condition that scores the whole item 0


ITEMS: tuple[Item, ...] = (
    Item("system", "服务体系", 20, (
        Deduction("village_without_team", "所辖村（社区）未组建帮办代办队伍（每处）", 5),
        Deduction("staff_short", "未按要求将人员配备到位（每少一人）", 2),
    ), "未建立帮办代办队伍、未明确帮办代办人员"),
    Item("rules", "制度执行", 10, (
        Deduction("rules_incomplete", "帮办代办制度、服务流程不健全、职责不明确等（每一处）", 2),
    ), "未制定帮办代办制度、岗位职责、无服务流程，或帮办代办人员违反纪律制度、不按流程服务"),
    Item("efficiency", "服务效能", 40, (
        Deduction("not_in_ledger", "未进行台账登记（每次）", 3),
        Deduction("refused", "对符合帮办代办条件未及时受理或推诿拒绝（每件次）", 3),
        Deduction("no_entrustment", "未签订代办服务委托书（每次）", 3),
        Deduction("delayed", "协调不到位或未及时上报，导致审批脱节或延误办结（每件次）", 3),
        Deduction("materials_lost", "保管不善或移交不及时，导致申报资料遗失（每起）", 3),
        Deduction("poor_explanation", "对不具备条件的事项解释不到位，导致服务对象不满意（每件次）", 3),
    ), "与申报人共同隐瞒重大问题隐患以获得审批结果"),
    Item("information", "信息互动", 10, (
        Deduction("info_not_reported", "未按要求将项目相关信息、申报进度等信息告知县政务服务中心（每次）", 2),
        Deduction("activity_missed", "未参加业务培训、座谈会、入企走访及问题协调等活动（每次）", 5),
    )),
    Item("public_rating", "社会评价", 10, ()),
    Item("complaints", "举报投诉", 10, (
        Deduction("complaint", "服务冷漠、态度差等原因被投诉（每起）", 2),
    ), "利用职务之便为社会中介机构拉业务、违规收费、接受宴请礼品礼金或要求报销不当费用，经查实"),
)
ITEM_BY_KEY = {item.key: item for item in ITEMS}
DEDUCTION_ITEM = {d.key: item.key for item in ITEMS for d in item.deductions}
FULL_MARKS = sum(item.full for item in ITEMS)  # 100
PASS_MARK = 60  # 注: 60分以下为不合格
EXCELLENT_TOP = 4  # 考核排名前4名的乡镇为优秀
TOWNSHIP_WEIGHT, VILLAGE_WEIGHT = 0.6, 0.4  # 乡镇级分值60分，村级抽查分值40分
GRADES = {"excellent": "优秀", "pass": "合格", "fail": "不合格"}
SATISFIED_SCORES = (5, 4)  # a return visit's 非常满意 or 满意


@dataclass(frozen=True)
class Findings:
    """What one hall's year shows: instances per deduction key, the items scored 0 (by key),
    the return visits' answers per score, and whether a serious case fails the assessment."""
    counts: Mapping[str, int] = field(default_factory=dict)
    zeroed: frozenset[str] = frozenset()
    visit_scores: Mapping[int, int] = field(default_factory=dict)
    serious: bool = False


@dataclass(frozen=True)
class Line:
    key: str
    item: str
    full: int
    score: float | None  # None: not scorable yet (no return visit answered)
    deducted: float
    zeroed: bool
    detail: tuple[tuple[str, int, int], ...]  # (deduction's name, instances, points)


def public_rating(visit_scores: Mapping[int, int], full: int = 10) -> float | None:
    """社会评价: full marks times the share of answered return visits that were satisfied
    (非常满意 or 满意); None when no visit was answered."""
    answered = sum(visit_scores.values())
    if not answered:
        return None
    satisfied = sum(visit_scores.get(s, 0) for s in SATISFIED_SCORES)
    return round(full * satisfied / answered, 2)


def score_item(item: Item, findings: Findings) -> Line:
    detail = tuple((d.name, int(findings.counts.get(d.key, 0)), d.points) for d in item.deductions)
    deducted = float(sum(n * p for _, n, p in detail))
    zeroed = item.key in findings.zeroed
    if item.key == "public_rating":
        score = public_rating(findings.visit_scores, item.full)
        if zeroed and score is not None:
            score = 0.0
    else:
        score = 0.0 if zeroed else max(0.0, item.full - deducted)
    return Line(item.key, item.name, item.full, score, deducted, zeroed, detail)


@dataclass(frozen=True)
class Scored:
    lines: tuple[Line, ...]
    total: float  # out of 100; an unscorable line counts 0
    complete: bool  # every line scorable
    serious: bool

    @property
    def passed(self) -> bool:
        return not self.serious and self.total >= PASS_MARK


def score(findings: Findings) -> Scored:
    lines = tuple(score_item(item, findings) for item in ITEMS)
    total = round(sum(l.score or 0.0 for l in lines), 2)
    return Scored(lines, total, all(l.score is not None for l in lines), findings.serious)


def sample_villages(villages: Sequence[int], size: int, seed: str) -> list[int]:
    """村级采取抽查的方式: ``size`` villages drawn at random, reproducibly from ``seed`` (for
    example the township and the year), so the draw can be checked afterwards."""
    pool = sorted(villages)
    return sorted(random.Random(seed).sample(pool, min(size, len(pool))))


@dataclass(frozen=True)
class Annual:
    hall_id: int
    township: float  # the township's own score, out of 100
    villages: tuple[float, ...]  # the sampled villages' scores, out of 100
    score: float  # township × 0.6 + the villages' mean × 0.4 (the township alone when none)
    serious: bool
    rank: int = 0
    grade: str = ""


def annual(hall_id: int, township: Scored, villages: Sequence[Scored]) -> Annual:
    """One township's year: its own 60 points plus its sampled villages' 40, averaged."""
    village_scores = tuple(v.total for v in villages)
    if village_scores:
        mean = sum(village_scores) / len(village_scores)
        total = TOWNSHIP_WEIGHT * township.total + VILLAGE_WEIGHT * mean
    else:
        total = township.total
    serious = township.serious or any(v.serious for v in villages)
    return Annual(hall_id, township.total, village_scores, round(total, 2), serious)


def rank(results: Sequence[Annual]) -> list[Annual]:
    """Highest first; equal scores share a rank. Ranks one to four are 优秀 if they pass; any
    below 60 or with a serious case is 不合格; the rest 合格."""
    ordered = sorted(results, key=lambda a: (-a.score, a.hall_id))
    out, previous, place = [], None, 0
    for index, a in enumerate(ordered, start=1):
        if a.score != previous:
            place, previous = index, a.score
        if a.serious or a.score < PASS_MARK:
            grade = "fail"
        elif place <= EXCELLENT_TOP:
            grade = "excellent"
        else:
            grade = "pass"
        out.append(Annual(a.hall_id, a.township, a.villages, a.score, a.serious, place, grade))
    return out
