"""The hall's figures, aggregated in the database (SQLite or PostgreSQL) and finished by the
pure ``kiosk.domain.figures``: waiting and service times per queue, window or helper and
per day, month or quarter; satisfaction and rating coverage; on-time completion; follow-ups."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Integer, cast, func, literal, select, text
from sqlalchemy.orm import Session

from kiosk.domain import figures as calc
from kiosk.server.models import Case, FollowUp, Helper, Queue, Rating, Service, Ticket, Window
from kiosk.server.timeutil import local_day, utc_bounds, utc_offset_hours

GROUPS = ("queue", "window", "helper")
# Grouping by column position: PostgreSQL would see the same expression with its own bound
# parameters in SELECT and GROUP BY as two different expressions.
BY_POSITION = (text("1"), text("2"), text("3"))
PERIODS = ("day", "month", "quarter")


def _seconds(db: Session, start, end):
    if db.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _whole_minutes(db: Session, seconds):
    """Whole minutes of a duration, rounded to the second first (SQLite's julianday arithmetic
    leaves 780 s as 779.99…). PostgreSQL's integer cast rounds, so it floors explicitly."""
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.round(seconds) / 60), Integer)
    return cast(func.round(seconds) / 60, Integer)


def _period(db: Session, moment, period: str | None):
    """A label of the hall's local calendar: 2026-11-23, 2026-11 or 2026-Q4."""
    if period is None:
        return literal("全部")
    hours = utc_offset_hours()
    if db.get_bind().dialect.name == "postgresql":
        local = moment + func.make_interval(0, 0, 0, 0, hours)
        if period == "quarter":
            return func.to_char(local, 'YYYY-"Q"Q')
        return func.to_char(local, "YYYY-MM-DD" if period == "day" else "YYYY-MM")
    local = func.datetime(moment, f"{hours:+d} hours")
    if period == "quarter":
        month = cast(func.strftime("%m", local), Integer)
        return func.strftime("%Y", local).op("||")("-Q").op("||")(cast((month + 2) / 3, Integer))
    return func.strftime("%Y-%m-%d" if period == "day" else "%Y-%m", local)


def _durations(db: Session, key, period, seconds, where) -> dict:
    """{(key, period): Durations} from one GROUP BY with a per-minute histogram."""
    minute = _whole_minutes(db, seconds)
    rows = db.execute(select(key, period, minute, func.count(), func.sum(seconds))
                      .where(*where).group_by(*BY_POSITION[:3])).all()
    histograms, totals, counts = defaultdict(dict), defaultdict(float), defaultdict(int)
    for k, p, m, n, total in rows:
        histograms[(k, p)][max(int(m or 0), 0)] = n
        totals[(k, p)] += float(total or 0)
        counts[(k, p)] += n
    return {kp: calc.Durations.of(counts[kp], totals[kp], histograms[kp]) for kp in histograms}


def _keys(group: str | None):
    if group is None:
        return literal(0), literal(0), literal(0)
    return ({"queue": Ticket.queue_id, "window": Ticket.window_id, "helper": Ticket.helper_id}[group],
            {"queue": Service.queue_id, "window": Service.window_id, "helper": Service.helper_id}[group],
            {"queue": Service.queue_id, "window": Rating.window_id, "helper": Rating.helper_id}[group])


def _names(db: Session, hall_id: int, group: str | None) -> dict:
    if group == "queue":
        return {q.id: f"{q.prefix} {q.name}" for q in db.scalars(select(Queue).where(Queue.hall_id == hall_id))}
    if group == "window":
        return {w.id: f"{w.number} 号窗口" for w in db.scalars(select(Window).where(Window.hall_id == hall_id))}
    if group == "helper":
        return {h.id: h.name for h in db.scalars(select(Helper).where(Helper.hall_id == hall_id))}
    return {0: "全厅"}


def service_figures(db: Session, hall_id: int, first: date, last: date, group: str | None,
                    period: str | None) -> list[dict]:
    low, high = utc_bounds(first, last)
    ticket_key, service_key, rating_key = _keys(group)
    waiting = _durations(db, ticket_key, _period(db, Ticket.issued_at, period),
                         _seconds(db, Ticket.issued_at, Ticket.called_at),
                         (Ticket.hall_id == hall_id, Ticket.issued_at >= low, Ticket.issued_at < high,
                          Ticket.called_at.is_not(None)))
    serving = _durations(db, service_key, _period(db, Service.called_at, period),
                         _seconds(db, Service.called_at, Service.finished_at),
                         (Service.hall_id == hall_id, Service.called_at >= low, Service.called_at < high,
                          Service.finished_at.is_not(None)))
    scores = defaultdict(dict)
    rating_period = _period(db, Service.called_at, period)
    for k, p, score, n in db.execute(
            select(rating_key, rating_period, Rating.score, func.count())
            .join(Service, Service.id == Rating.service_id)
            .where(Rating.hall_id == hall_id, Service.called_at >= low, Service.called_at < high)
            .group_by(*BY_POSITION[:3])):
        scores[(k, p)][score] = n
    names = _names(db, hall_id, group)
    out = []
    for k, p in sorted(set(waiting) | set(serving) | set(scores), key=lambda kp: (str(kp[1]), str(kp[0]))):
        served = serving.get((k, p))
        liked = calc.satisfaction(scores.get((k, p), {}))
        out.append({
            "group": names.get(k, str(k)), "period": p,
            "waiting": vars(waiting[(k, p)]) if (k, p) in waiting else None,
            "service": vars(served) if served else None,
            "satisfaction": liked,
            "rating_coverage": calc.share(liked["rated"], served.count if served else 0),
        })
    return out


def hall_summary(db: Session, hall_id: int, first: date, last: date) -> dict:
    low, high = utc_bounds(first, last)
    whole = service_figures(db, hall_id, first, last, None, None)
    row = whole[0] if whole else {"service": None, "satisfaction": calc.satisfaction({}), "rating_coverage": None}
    closed = db.execute(select(Case.deadline, Case.closed_at).where(
        Case.hall_id == hall_id, Case.state.in_(("completed", "archived")), Case.closed_at >= low,
        Case.closed_at < high)).all()
    on_time = sum(1 for deadline, closed_at in closed
                  if deadline is None or local_day(closed_at) <= deadline)
    follow_ups = dict(db.execute(select(FollowUp.status, func.count()).where(FollowUp.hall_id == hall_id)
                                 .group_by(FollowUp.status)).all())
    services = row["service"]["count"] if row["service"] else 0
    lines = calc.assessment(services=services, rated=row["satisfaction"]["rated"],
                            satisfied_rate=row["satisfaction"]["rate"], cases_closed=len(closed),
                            cases_on_time=on_time, follow_ups_open_overdue=0)
    return {
        "from": first.isoformat(), "to": last.isoformat(), "services": services,
        "waiting": row.get("waiting"), "service": row["service"], "satisfaction": row["satisfaction"],
        "rating_coverage": row["rating_coverage"],
        "cases": {"closed": len(closed), "on_time": on_time, "on_time_rate": calc.share(on_time, len(closed))},
        "follow_ups": {"open": follow_ups.get("open", 0), "closed": follow_ups.get("closed", 0)},
        "assessment": {"lines": lines, **calc.total_score(lines)},
    }

