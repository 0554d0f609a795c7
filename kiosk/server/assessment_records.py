"""Seed 004's assessment of a hall from what the records give, and the assessor's inspection
entries for the rest (``AssessmentEntry``); the arithmetic is ``kiosk.domain.assessment``.

From the records: 未进行台账登记 (a service finished with no work log), 未签订代办服务委托书
(a case accepted with no signed 委托书), 延误办结 (a case completed after its deadline, or still
open past it), 社会评价 (the return visits' answers), 举报投诉 (complaints not found untrue;
misconduct proven scores the item 0; a serious case fails). The inspection adds instances the
records cannot see, and scores an item 0 on what only an inspection finds."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain import assessment as calc
from kiosk.server import completion, complaints, figures, return_visits
from kiosk.server.auth import Caller, visible_halls
from kiosk.server.errors import ApiError
from kiosk.server.models import AssessmentEntry, Hall, Service
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import local_day, utc_bounds, utcnow
from kiosk.wire import supervision as wire

FROM_RECORDS = ("not_in_ledger", "no_entrustment", "delayed", "complaint")
INSPECTED_ITEMS = ("system", "rules", "information")  # nothing in the records speaks to them
VILLAGE_SAMPLE = 3


def unlogged_services(db: Session, hall_id: int, first: date, last: date) -> int:
    low, high = utc_bounds(first, last)
    return db.scalar(select(func.count()).select_from(Service).where(
        Service.hall_id == hall_id, Service.end_reason == "finished", Service.finished_at >= low,
        Service.finished_at < high, func.trim(Service.log) == "")) or 0


def delayed_cases(db: Session, hall_id: int, first: date, last: date, today: date) -> int:
    """Completed after the deadline's day in first..last, or open past a deadline in the range."""
    closed, on_time = figures.cases_closed(db, hall_id, first, last)
    return closed - on_time + completion.cases_open_late(db, hall_id, first, last, today)


def from_records(db: Session, hall_id: int, first: date, last: date, today: date | None = None):
    """(instances per deduction key, misconduct proven, serious case, return visits per score)."""
    today = today or local_day(utcnow())
    counted, misconduct, serious = complaints.findings(db, hall_id, first, last)
    counts = {"not_in_ledger": unlogged_services(db, hall_id, first, last),
              "no_entrustment": figures.entrusted_without_signature(db, hall_id, first, last),
              "delayed": delayed_cases(db, hall_id, first, last, today), "complaint": counted}
    return counts, misconduct, serious, return_visits.scores(db, hall_id, first, last)


def entries(db: Session, hall_id: int, year: int) -> dict[str, AssessmentEntry]:
    return {e.item: e for e in db.scalars(select(AssessmentEntry).where(
        AssessmentEntry.hall_id == hall_id, AssessmentEntry.year == year))}


def assess(db: Session, hall_id: int, first: date, last: date, inspected: dict[str, AssessmentEntry]):
    """(the domain's Scored, the per-deduction sources, the findings) of a hall's days."""
    counts, misconduct, serious, visits = from_records(db, hall_id, first, last)
    total = defaultdict(int, counts)
    zeroed = {"complaints"} if misconduct else set()
    for item, entry in inspected.items():
        for key, n in (entry.counts or {}).items():
            total[key] += int(n)
        if entry.zeroed:
            zeroed.add(item)
        serious = serious or entry.serious
    findings = calc.Findings(dict(total), frozenset(zeroed), visits, serious)
    return calc.score(findings), counts, findings


def hall_year(db: Session, hall_id: int, year: int) -> wire.HallAssessment:
    inspected = entries(db, hall_id, year)
    scored, counts, _ = assess(db, hall_id, date(year, 1, 1), date(year, 12, 31), inspected)
    items = []
    for item, line in zip(calc.ITEMS, scored.lines):
        deductions = []
        for d in item.deductions:
            recorded = counts.get(d.key, 0)
            entered = int((inspected[item.key].counts or {}).get(d.key, 0)) if item.key in inspected else 0
            if recorded or d.key in FROM_RECORDS:
                deductions.append(wire.DeductionLine(name=d.name, instances=recorded, points=d.points, source="records"))
            if entered or d.key not in FROM_RECORDS:
                deductions.append(wire.DeductionLine(name=d.name, instances=entered, points=d.points,
                                                     source="inspection"))
        items.append(wire.AssessmentItem(key=item.key, item=item.name, full=item.full, score=line.score,
                                         deducted=line.deducted, zeroed=line.zeroed, deductions=deductions,
                                         note=inspected[item.key].note if item.key in inspected else ""))
    return wire.HallAssessment(hall_id=hall_id, hall=db.get(Hall, hall_id).name, year=year, items=items,
                               total=scored.total, complete=scored.complete, serious=scored.serious,
                               passed=scored.passed)


def summary_lines(db: Session, hall_id: int, first: date, last: date) -> dict:
    """The figures' assessment table for a date range: the seed's items in its order, those
    only an inspection can score marked manual (the yearly assessment page holds them)."""
    scored, counts, findings = assess(db, hall_id, first, last, {})
    lines = []
    for item, line in zip(calc.ITEMS, scored.lines):
        manual = item.key in INSPECTED_ITEMS or line.score is None
        basis = "；".join(f"{name} {n} 次 × {p} 分" for name, n, p in line.detail if n) or "记录中未见扣分情形"
        if item.key == "public_rating":
            answered = sum(findings.visit_scores.values())
            basis = f"随机回访 {answered} 次，满意（非常满意、满意）占比 × 10" if answered else "尚无已完成的随机回访"
        if line.zeroed:
            basis = f"本项不得分：{item.zero_if}"
        lines.append({"item": item.name, "full": item.full, "score": None if manual else line.score,
                      "basis": "需现场检查或查阅资料，在考核页录入" if item.key in INSPECTED_ITEMS else basis,
                      "manual": manual})
    scored_lines = [l for l in lines if not l["manual"]]
    return {"lines": lines, "scored": round(sum(l["score"] for l in scored_lines), 1),
            "of": sum(l["full"] for l in scored_lines), "manual_items": [l["item"] for l in lines if l["manual"]]}


def may_assess(db: Session, who: Caller, hall_id: int) -> None:
    if not who.is_supervisor or hall_id not in visible_halls(db, who):
        raise ApiError(403, "forbidden", "只有本厅或上级大厅的协调员、首席帮办代办员可以录入考核")


def save_entry(db: Session, who: Caller, hall_id: int, req: wire.AssessmentEntryNew) -> AssessmentEntry:
    may_assess(db, who, hall_id)
    entry = entries(db, hall_id, req.year).get(req.item)
    if entry is None:
        entry = AssessmentEntry(hall_id=hall_id, year=req.year, item=req.item)
        db.add(entry)
    entry.counts = {k: n for k, n in req.counts.items() if n}
    entry.zeroed, entry.serious, entry.note = req.zeroed, req.serious, req.note.strip()
    entry.entered_by, entry.entered_at = (who.helper.id if who.helper else None), utcnow()
    db.flush()
    audit(db, who, "assessment.entered", hall=hall_id, year=req.year, item=req.item, counts=entry.counts,
          zeroed=req.zeroed, serious=req.serious)
    return entry


def annual(db: Session, who: Caller, year: int) -> list[wire.AnnualRow]:
    """The townships below the caller's hall, each with a seeded sample of its villages, ranked."""
    seen = visible_halls(db, who)
    halls = {h.id: h for h in db.scalars(select(Hall).where(Hall.id.in_(seen)))}
    results, names = [], {}
    for township in (h for h in halls.values() if h.level == "township"):
        villages = [h.id for h in halls.values() if h.parent_id == township.id and h.level == "village"]
        sample = calc.sample_villages(villages, VILLAGE_SAMPLE, f"bangban-assessment/{township.id}/{year}")
        own = hall_year_scored(db, township.id, year)
        village_scores = [hall_year_scored(db, v, year) for v in sample]
        results.append(calc.annual(township.id, own, village_scores))
        names[township.id] = [f"{halls[v].name} {s.total:g}" for v, s in zip(sample, village_scores)]
    return [wire.AnnualRow(hall_id=a.hall_id, hall=halls[a.hall_id].name, township=a.township,
                           villages=names[a.hall_id], score=a.score, rank=a.rank, grade=calc.GRADES[a.grade])
            for a in calc.rank(results)]


def hall_year_scored(db: Session, hall_id: int, year: int) -> calc.Scored:
    return assess(db, hall_id, date(year, 1, 1), date(year, 12, 31), entries(db, hall_id, year))[0]
