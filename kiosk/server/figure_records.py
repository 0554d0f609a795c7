"""What the figures count, read straight from the records (tickets, services, ratings):
per-minute histograms of waiting and service times and counts per score, over some UTC
time ranges, per group and period (``aggregate``) or for every grouping of a day at once
(``aggregate_every_grouping``, for building its rollup).

These queries are the figures' definition. ``figures`` runs them over the days that have no
fresh rollup (today, at least) and ``rollups`` runs them to build the rollup of a closed day,
so both paths count exactly the same rows the same way.

Durations are whole microseconds (integers, so sums add up exactly in any order): PostgreSQL
keeps microseconds; SQLite's date functions see milliseconds, so there they are whole ms.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import (
    BigInteger, Date, Integer, Select, and_, case, cast, extract, func, literal, literal_column, or_, select, text,
    union_all,
)
from sqlalchemy.orm import Session

from kiosk.domain.queue_policy import TIER_TRANSFERRED
from kiosk.server.models import Rating, RatingExclusion, Service, Ticket
from kiosk.server.timeutil import utc_offset_hours

Ranges = Sequence[tuple[datetime, datetime]]  # half-open [low, high) in UTC

MEASURES = ("waiting", "service", "scores")
GROUPINGS = ("queue", "window", "helper")


def is_postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def duration_us(db: Session, start, end):
    if is_postgres(db):
        return cast(func.round(extract("epoch", end - start) * 1_000_000), BigInteger)
    # julianday() counts whole milliseconds; rounding drops the float's noise (780 s is 779.99…)
    return cast(func.round((func.julianday(end) - func.julianday(start)) * 86_400_000), Integer) * 1000


def whole_minutes(us):
    """Whole minutes of a duration rounded to the second first: integer division, the same
    on both databases (negative durations, which the hot paths never make, count as 0)."""
    return (us + 500_000) // 1_000_000 // 60


def local_date(db: Session, moment):
    """The hall's calendar day of a UTC moment, as SQL (the hall's offset now, like the labels)."""
    hours = utc_offset_hours()
    if is_postgres(db):
        return cast(moment + func.make_interval(0, 0, 0, 0, hours), Date)
    return func.date(moment, f"{hours:+d} hours")


def period_label(db: Session, moment, period: str | None):
    """A label of the hall's local calendar: 2026-11-23, 2026-11 or 2026-Q4 ("全部" for none)."""
    if period is None:
        return literal("全部")
    hours = utc_offset_hours()
    if is_postgres(db):
        local = moment + func.make_interval(0, 0, 0, 0, hours)
        return func.to_char(local, {"day": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q'}[period])
    local = func.datetime(moment, f"{hours:+d} hours")
    if period == "quarter":
        month = cast(func.strftime("%m", local), Integer)
        return func.strftime("%Y", local).op("||")("-Q").op("||")(cast((month + 2) / 3, Integer))
    return func.strftime("%Y-%m-%d" if period == "day" else "%Y-%m", local)


def within(column, ranges: Ranges):
    return or_(*(and_(column >= low, column < high) for low, high in ranges))


def by_position(n: int):
    # Grouping by column position: PostgreSQL would see the same expression with its own bound
    # parameters in SELECT and GROUP BY as two different expressions.
    return [text(str(i)) for i in range(1, n + 1)]


# When a ticket could first be called: its issue, or, for a booked citizen who checked in early,
# the end of the hold (queue_policy.held). The hours a citizen chose to come early are not the
# hall's waiting. Only such a key ranks after its issue, but a transfer's (its transfer's time).
CALLABLE_FROM = case((and_(Ticket.tier != TIER_TRANSFERRED, Ticket.rank_at > Ticket.issued_at), Ticket.rank_at),
                     else_=Ticket.issued_at)


def source(db: Session, measure: str, hall_id: int, ranges: Ranges) -> Select:
    """One row per record the measure counts: its queue, window and helper, the moment that
    dates it (``at``) and its ``value``: a duration in microseconds, or a rating's score.

    waiting: tickets issued in ``ranges`` and called, from issue (``CALLABLE_FROM``) to (last) call;
    service: services called in ``ranges`` and finished (not transferred, not a no-show),
    from call to finish; scores: the ratings of those services, less the ones excluded on
    appeal, dated by the service's call."""
    if measure == "waiting":
        return select(Ticket.queue_id.label("queue"), Ticket.window_id.label("window"),
                      Ticket.helper_id.label("helper"), Ticket.issued_at.label("at"),
                      duration_us(db, CALLABLE_FROM, Ticket.called_at).label("value")).where(
            Ticket.hall_id == hall_id, within(Ticket.issued_at, ranges), Ticket.called_at.is_not(None))
    if measure == "service":
        return select(Service.queue_id.label("queue"), Service.window_id.label("window"),
                      Service.helper_id.label("helper"), Service.called_at.label("at"),
                      duration_us(db, Service.called_at, Service.finished_at).label("value")).where(
            Service.hall_id == hall_id, within(Service.called_at, ranges), Service.finished_at.is_not(None))
    called = (Service.hall_id == hall_id, within(Service.called_at, ranges))
    # The ratings of those services lie between the first and last of their ids: said outright,
    # PostgreSQL reads them by the service_id index instead of hashing every rating of the hall
    # (``id + 0``: found among the services called, not by walking the primary key).
    first, last = (select(f(Service.id + 0)).where(*called).scalar_subquery() for f in (func.min, func.max))
    return (select(Service.queue_id.label("queue"), Rating.window_id.label("window"),
                   Rating.helper_id.label("helper"), Service.called_at.label("at"), Rating.score.label("value"))
            .select_from(Service).join(Rating, Rating.service_id == Service.id)
            .outerjoin(RatingExclusion, RatingExclusion.rating_id == Rating.id)
            .where(*called, Rating.hall_id == hall_id, Rating.service_id.between(first, last),
                   RatingExclusion.rating_id.is_(None)))


def _bucket(measure: str, value):
    return value if measure == "scores" else whole_minutes(value)


def _total(measure: str, value):
    return func.count() if measure == "scores" else func.sum(value)


def aggregate(db: Session, measure: str, hall_id: int, ranges: Ranges, group: str | None,
              period: str | None) -> list[tuple]:
    """Rows (key, period, bucket, count, total) per group (key 0: the hall) and period: the
    bucket is the whole minute and total the microseconds' sum, or for scores the score and
    the count again."""
    rows = source(db, measure, hall_id, ranges).subquery()
    key = rows.c[group] if group else literal_column("0")
    columns = [key, period_label(db, rows.c.at, period), _bucket(measure, rows.c.value)]
    return [tuple(r) for r in db.execute(select(*columns, func.count(), _total(measure, rows.c.value))
                                         .group_by(*by_position(len(columns))))]


def aggregate_every_grouping(db: Session, measure: str, hall_id: int, ranges: Ranges) -> list[tuple]:
    """Rows (grouping, key, bucket, count, total) for the hall (key 0) and per queue, window and
    helper at once, as ``aggregate`` without a period: the records are read once."""
    rows = source(db, measure, hall_id, ranges).cte("counted")
    bucket = _bucket(measure, rows.c.value)
    parts = [select(literal_column(f"'{grouping}'"), rows.c[grouping] if grouping != "hall" else literal_column("0"),
                    bucket, func.count(), _total(measure, rows.c.value)).group_by(*by_position(3))
             for grouping in ("hall", *GROUPINGS)]
    return [tuple(r) for r in db.execute(union_all(*parts))]
