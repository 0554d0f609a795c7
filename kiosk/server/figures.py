"""The hall's figures, aggregated in the database (SQLite or PostgreSQL) and finished by the
pure ``kiosk.domain.figures``: waiting and service times per queue, window or helper and
per day, month or quarter; satisfaction and rating coverage; on-time completion; follow-ups.

Closed days come from their per-day rollups (``rollups``), the other days (today, and any
day whose rollup is missing or stale and cannot be built) from the records
(``figure_records``); both give per-minute histograms with exact sums, added up here.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.domain import figures as calc
from kiosk.domain.completion import completion as done_on_time
from kiosk.domain.working_days import HALL_YEARS, OUTSIDE_HALL_YEARS
from kiosk.server import assessment_records, completion
from kiosk.server import figure_records as records
from kiosk.server import rollups
from kiosk.server.models import (
    Case, CaseSignature, FollowUp, Helper, Queue, Rating, RatingExclusion, Service, Window,
)
from kiosk.server.errors import ApiError
from kiosk.server.timeutil import local_day, utc_bounds, utcnow

GROUPS = ("queue", "window", "helper")
PERIODS = ("day", "month", "quarter")
MAX_DAYS = 400  # the longest report


def report_range(first: date | None, last: date | None) -> tuple[date, date]:
    """The hall's calendar days a report covers; the last 30 by default."""
    if any(day is not None and day.year not in HALL_YEARS for day in (first, last)):
        raise ApiError(422, "bad_range", OUTSIDE_HALL_YEARS)
    last = last or local_day(utcnow())
    first = first or last - timedelta(days=29)
    if first > last or (last - first).days > MAX_DAYS:
        raise ApiError(422, "bad_range", f"起止日期有误：开始不能晚于结束，且跨度不超过 {MAX_DAYS} 天")
    return first, last


class _Times:
    """Per-minute histograms with counts and exact sums, per (key, period)."""

    def __init__(self):
        self.histograms: dict = defaultdict(lambda: defaultdict(int))
        self.counts: dict = defaultdict(int)
        self.totals_us: dict = defaultdict(int)

    def add(self, rows) -> None:
        for key, period, minute, n, total_us in rows:
            self.histograms[(key, period)][max(int(minute), 0)] += n
            self.counts[(key, period)] += n
            self.totals_us[(key, period)] += int(total_us)

    def durations(self) -> dict:
        return {kp: calc.Durations.of(self.counts[kp], self.totals_us[kp] / 1_000_000, self.histograms[kp])
                for kp in self.histograms}


def _names(db: Session, hall_id: int, group: str | None) -> dict:
    if group == "queue":
        return {q.id: f"{q.prefix} {q.name}" for q in db.scalars(select(Queue).where(Queue.hall_id == hall_id))}
    if group == "window":
        return {w.id: f"{w.number} 号窗口" for w in db.scalars(select(Window).where(Window.hall_id == hall_id))}
    if group == "helper":
        return {h.id: h.name for h in db.scalars(select(Helper).where(Helper.hall_id == hall_id))}
    return {0: "全厅"}


def service_figures(db: Session, hall_id: int, first: date, last: date, group: str | None,
                    period: str | None, *, use_rollups: bool = True, now: datetime | None = None) -> list[dict]:
    """Figures per group and period over the hall's days first..last. ``use_rollups=False``
    reads everything from the records (the definition the rollups are tested against)."""
    rolled = rollups.fresh_days(db, hall_id, first, last, now) if use_rollups else set()
    rest = [utc_bounds(a, b) for a, b in rollups.runs(set(rollups.days_between(first, last)) - rolled)]
    waiting, serving, scores = _Times(), _Times(), defaultdict(lambda: defaultdict(int))
    readers = []
    if rolled:
        readers.append(lambda measure: rollups.aggregate(db, measure, hall_id, rolled, group, period))
    if rest:
        readers.append(lambda measure: records.aggregate(db, measure, hall_id, rest, group, period))
    for read in readers:
        waiting.add(read("waiting"))
        serving.add(read("service"))
        for k, p, score, n, _ in read("scores"):
            scores[(k, p)][score] += n
    waits, served = waiting.durations(), serving.durations()
    names = _names(db, hall_id, group)
    out = []
    for k, p in sorted(set(waits) | set(served) | set(scores), key=lambda kp: (str(kp[1]), str(kp[0]))):
        service = served.get((k, p))
        liked = calc.satisfaction(dict(scores.get((k, p), {})))
        out.append({
            "group": names.get(k, str(k)), "period": p,
            "waiting": vars(waits[(k, p)]) if (k, p) in waits else None,
            "service": vars(service) if service else None,
            "satisfaction": liked,
            "rating_coverage": calc.share(liked["rated"], service.count if service else 0),
        })
    return out


def cases_closed(db: Session, hall_id: int, first: date, last: date) -> tuple[int, int]:
    """(closed, on time) of the proxy cases completed in first..last: on time when closed on or
    before the deadline's day (or without a deadline). Counted in the database."""
    low, high = utc_bounds(first, last)
    on_time = case((or_(Case.deadline.is_(None), records.local_date(db, Case.closed_at) <= Case.deadline), 1),
                   else_=0)
    closed, punctual = db.execute(select(func.count(), func.sum(on_time)).where(
        Case.hall_id == hall_id, Case.closed_at >= low, Case.closed_at < high,
        Case.state.in_((*case_states.COMPLETED, "archived")))).one()
    return closed, int(punctual or 0)


def entrusted_without_signature(db: Session, hall_id: int, first: date, last: date) -> int:
    """Seed 004's 未签订代办服务委托书: cases entrusted in first..last and accepted with no signed
    委托书 recorded."""
    low, high = utc_bounds(first, last)
    signed = select(CaseSignature.id).where(CaseSignature.case_id == Case.id, CaseSignature.form == "entrustment")
    return db.scalar(select(func.count()).select_from(Case).where(
        Case.hall_id == hall_id, Case.entrusted_at >= low, Case.entrusted_at < high,
        Case.accepted_at.is_not(None), ~signed.exists())) or 0


def hall_summary(db: Session, hall_id: int, first: date, last: date, *, use_rollups: bool = True,
                 now: datetime | None = None) -> dict:
    whole = service_figures(db, hall_id, first, last, None, None, use_rollups=use_rollups, now=now)
    row = whole[0] if whole else {"service": None, "satisfaction": calc.satisfaction({}), "rating_coverage": None}
    closed, on_time = cases_closed(db, hall_id, first, last)
    unsigned = entrusted_without_signature(db, hall_id, first, last)
    follow_ups = dict(db.execute(select(FollowUp.status, func.count()).where(FollowUp.hall_id == hall_id)
                                 .group_by(FollowUp.status)).all())
    services = row["service"]["count"] if row["service"] else 0
    return {
        "from": first.isoformat(), "to": last.isoformat(), "services": services,
        "waiting": row.get("waiting"), "service": row["service"], "satisfaction": row["satisfaction"],
        "rating_coverage": row["rating_coverage"],
        "cases": {"closed": closed, "on_time": on_time, "on_time_rate": calc.share(on_time, closed),
                  "entrusted_without_signature": unsigned},
        "follow_ups": {"open": follow_ups.get("open", 0), "closed": follow_ups.get("closed", 0)},
        "completion": done_on_time(completion.at_window(db, hall_id, first, last), closed, on_time,
                                   completion.cases_open_late(db, hall_id, first, last, local_day(now or utcnow()))),
        "assessment": assessment_records.summary_lines(db, hall_id, first, last),
    }


def exclude_rating(db: Session, rating_id: int, decided_by: int | None, reason: str = "",
                   now: datetime | None = None) -> RatingExclusion:
    """Leave a rating out of the figures after an appeal found it mistaken or malicious
    (申诉复核); the rating itself stays in the record."""
    now = now or utcnow()
    rating = db.get(Rating, rating_id)
    exclusion = RatingExclusion(rating_id=rating.id, hall_id=rating.hall_id, decided_at=now,
                                decided_by=decided_by, reason=reason)
    db.add(exclusion)
    rollups.changed(db, rating.hall_id, db.get(Service, rating.service_id).called_at, now)
    return exclusion
