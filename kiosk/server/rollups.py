"""Per-day rollups of the figures, so a quarter with a million services reads in well under a second.

A closed day of a hall (its local calendar day, ended more than ``SETTLE`` ago) is summed once
into ``figure_minutes`` (per-minute histograms of waiting and service times, with counts and
exact sums) and ``figure_scores`` (ratings per score), each per queue, per window, per helper
and for the whole hall. The figures read these rows for closed days and the records for the
rest (today at least), so the day's histograms add up to exactly what the records say.

Keeping them true. Old records still change after their day closed: a service is finished
or transferred after midnight, a rating arrives late (within the rating window after a late
finish, or up to a week late from a pad that was offline), a rating is excluded on appeal, a
ticket is corrected. Every such write calls ``changed()`` in its own transaction: for a
record of an earlier day it bumps the day's ``changes`` counter (one upsert), for today's
records it does nothing, so the hot paths pay nothing on a normal day. A rollup remembers
the counter it was built from (``built``) and is used only while the two are equal; the next
figures query rebuilds a stale day. The counter is read before the records, so a change
committed while a day is being built leaves it stale rather than wrong.

Building is lazy: the first figures query over days that have no fresh rollup builds them,
one short write transaction per day (reading the day's records happens before, outside it).
A day that cannot be built (a SQLite session inside a write transaction, a lock timeout)
is read from the records instead: slower, never different.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import Integer, and_, cast, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kiosk.server import figure_records as records
from kiosk.server.models import FigureDay, FigureMinute, FigureScore
from kiosk.server.timeutil import local_day, utc_bounds, utcnow

log = logging.getLogger("bangban.rollups")

# A day is rolled up only this long after its midnight: a write that began before midnight
# (and so did not mark its day as changed) has long committed by then.
SETTLE = timedelta(hours=1)
NONE_KEY = 0  # a ticket transferred back to the line has no window: ids start at 1


def changed(db: Session, hall_id: int, anchor: datetime, now: datetime | None = None) -> None:
    """Mark the rollup of ``anchor``'s day stale, if that day is over. Call it in the same
    transaction as any write that changes a ticket issued, a service called, or a rating or
    exclusion of a service called, at ``anchor``; for today's records it costs nothing."""
    day = local_day(anchor)
    if day >= local_day(now or utcnow()):
        return
    dialect = postgresql if records.is_postgres(db) else sqlite
    db.execute(dialect.insert(FigureDay).values(hall_id=hall_id, day=day, changes=1)
               .on_conflict_do_update(index_elements=["hall_id", "day"],
                                      set_={"changes": FigureDay.changes + 1}))


def last_closed_day(now: datetime) -> date:
    return local_day(now - SETTLE) - timedelta(days=1)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs: 1, 2, 3, 7 -> (1, 3), (7, 7)."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] + timedelta(days=1) == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


# --- which days are fresh, building what is not ------------------------------

def fresh_days(db: Session, hall_id: int, first: date, last: date, now: datetime | None = None) -> set[date]:
    """The closed days of first..last whose rollups are fresh, after building the ones that
    were missing or stale (where this session's database can be written to)."""
    upto = min(last, last_closed_day(now or utcnow()))
    if first > upto:
        return set()
    known = {d: (changes, built) for d, changes, built in db.execute(
        select(FigureDay.day, FigureDay.changes, FigureDay.built)
        .where(FigureDay.hall_id == hall_id, FigureDay.day >= first, FigureDay.day <= upto))}
    fresh = {d for d, (changes, built) in known.items() if built == changes}
    todo = [d for d in days_between(first, upto) if d not in fresh]
    if todo and _may_build(db):
        for day in todo:
            if build_day(db, hall_id, day, known.get(day, (0, None))[0]):
                fresh.add(day)
    return fresh


WARM_DAYS = 400  # the longest range a report may cover (routes/figures.py MAX_DAYS)


def warm(database, now: datetime | None = None) -> int:
    """Build every missing or stale rollup of the closed days a report may cover, for every hall
    with records: run in the background at start and hourly, so no supervisor waits for the
    build after an upgrade or a midnight. Days before a hall's first ticket are skipped.
    Returns how many days it looked at."""
    from kiosk.server.models import Ticket  # the records the figures are made of

    now = now or utcnow()
    upto = last_closed_day(now)
    with database.read() as db:
        starts = db.execute(select(Ticket.hall_id, func.min(Ticket.issued_at)).group_by(Ticket.hall_id)).all()
    looked = 0
    for hall_id, first_issued in starts:
        first = max(local_day(first_issued), upto - timedelta(days=WARM_DAYS - 1))
        if first <= upto:
            with database.read() as db:
                fresh_days(db, hall_id, first, upto, now)
            looked += (upto - first).days + 1
    return looked


def _may_build(db: Session) -> bool:
    """False where a separate write would wait on this very session: a SQLite session already
    inside a write transaction (the server's read sessions never are)."""
    if records.is_postgres(db):
        return True
    return not db.connection().connection.dbapi_connection.in_transaction


def build_day(db: Session, hall_id: int, day: date, changes: int) -> bool:
    """Sum one closed day from its records (read through ``db``) and store it in a short write
    transaction of its own; ``changes`` is the day's counter as read before the records.
    True when the stored rollup is fresh."""
    minutes, scores = _summed(db, hall_id, day)
    try:
        with _writing(db) as conn:
            _lock_day(conn, hall_id, day)
            now_changes, built = conn.execute(
                select(FigureDay.changes, FigureDay.built)
                .where(FigureDay.hall_id == hall_id, FigureDay.day == day)).one()
            if built != changes:  # else another query stored this very version already
                if built is not None:  # a stale version's rows
                    _delete_day(conn, hall_id, day)
                _store(conn, FigureMinute, minutes)
                _store(conn, FigureScore, scores)
                conn.execute(update(FigureDay).where(FigureDay.hall_id == hall_id, FigureDay.day == day)
                             .values(built=changes, built_at=utcnow()))
            return now_changes == changes
    except OperationalError as exc:  # e.g. the database is locked for longer than its timeout
        log.warning("rollup of hall %s day %s not stored, figures read from the records: %s", hall_id, day, exc)
        return False


@contextmanager
def _writing(db: Session):
    """A write transaction on a connection of its own, beside the (read) session ``db``; in
    turn with the server's other writers when ``db`` came from its ``Database``, so that they
    wait on its lock (or, from the event loop, go to a thread) rather than in SQLite's."""
    bind = db.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    database = db.info.get("database")
    with database.writer_lock if database else nullcontext(), engine.connect() as conn:
        with conn.begin():
            dbapi = conn.connection.dbapi_connection
            if conn.dialect.name == "sqlite" and not dbapi.in_transaction:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # the read engine does not begin by itself
            yield conn


def _delete_day(conn: Connection, hall_id: int, day: date) -> None:
    # naming every measure and grouping lets both databases seek the primary key to the day
    groupings = ("hall", *records.GROUPINGS)
    conn.execute(delete(FigureMinute).where(
        FigureMinute.hall_id == hall_id, FigureMinute.measure.in_(("waiting", "service")),
        FigureMinute.grouping.in_(groupings), FigureMinute.day == day))
    conn.execute(delete(FigureScore).where(
        FigureScore.hall_id == hall_id, FigureScore.grouping.in_(groupings), FigureScore.day == day))


def _store(conn: Connection, table, rows: list[dict]) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    # COPY: a few thousand rows a day, where an INSERT per row would cost more than summing the day
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.connection.dbapi_connection.cursor() as cursor:
        with cursor.copy(f"COPY {table.__tablename__} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])


def _lock_day(conn: Connection, hall_id: int, day: date) -> None:
    """Make sure the day's row exists and hold it: builders of one day take turns (SQLite
    writers always do), and ``changed()`` waits for this transaction only."""
    if conn.dialect.name == "postgresql":
        conn.execute(postgresql.insert(FigureDay).values(hall_id=hall_id, day=day, changes=0)
                     .on_conflict_do_nothing())
        conn.execute(select(FigureDay.day).where(FigureDay.hall_id == hall_id, FigureDay.day == day)
                     .with_for_update())
    else:
        conn.execute(sqlite.insert(FigureDay).values(hall_id=hall_id, day=day, changes=0)
                     .on_conflict_do_nothing())


def _summed(db: Session, hall_id: int, day: date) -> tuple[list[dict], list[dict]]:
    """The day's rollup rows, for the hall and per queue, window and helper."""
    span = [utc_bounds(day, day)]
    minutes = [{"hall_id": hall_id, "day": day, "measure": measure, "grouping": grouping,
                "key": NONE_KEY if key is None else key, "minute": minute, "count": n, "total_us": int(total)}
               for measure in ("waiting", "service")
               for grouping, key, minute, n, total in records.aggregate_every_grouping(db, measure, hall_id, span)]
    scores = [{"hall_id": hall_id, "day": day, "grouping": grouping, "key": NONE_KEY if key is None else key,
               "score": score, "count": n}
              for grouping, key, score, n, _ in records.aggregate_every_grouping(db, "scores", hall_id, span)]
    return minutes, scores


# --- reading -----------------------------------------------------------------

def _day_label(db: Session, day, period: str | None):
    """The period label of a rollup row's day, the same strings ``records.period_label`` makes."""
    if period is None:
        return records.period_label(db, None, None)
    if records.is_postgres(db):
        return func.to_char(day, {"day": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q'}[period])
    if period == "quarter":  # SQLite keeps a date as its ISO text
        month = cast(func.substr(day, 6, 2), Integer)
        return func.substr(day, 1, 4).op("||")("-Q").op("||")(cast((month + 2) / 3, Integer))
    return func.substr(day, 1, 10 if period == "day" else 7)


def _key(grouping: str, key: int) -> int | None:
    return None if key == NONE_KEY and grouping != "hall" else key


def _on_days(table, days: Iterable[date]):
    return or_(*(and_(table.day >= a, table.day <= b) for a, b in runs(days)))


def aggregate(db: Session, measure: str, hall_id: int, days: set[date], group: str | None,
              period: str | None) -> list[tuple]:
    """Rows (key, period, bucket, count, total) on ``days``, as ``records.aggregate`` gives them."""
    grouping = group or "hall"
    if measure == "scores":
        t, bucket, total = FigureScore, FigureScore.score, FigureScore.count
        where = [FigureScore.hall_id == hall_id, FigureScore.grouping == grouping]
    else:
        t, bucket, total = FigureMinute, FigureMinute.minute, FigureMinute.total_us
        where = [FigureMinute.hall_id == hall_id, FigureMinute.measure == measure, FigureMinute.grouping == grouping]
    label = _day_label(db, t.day, period)
    if period == "day":  # a row per day, key and bucket already: nothing to add up
        query = select(t.key, label, bucket, t.count, total)
    else:
        query = select(t.key, label, bucket, func.sum(t.count), func.sum(total)).group_by(*records.by_position(3))
    rows = db.execute(query.where(*where, _on_days(t, days)))
    return [(_key(grouping, k), p, b, n, total) for k, p, b, n, total in rows]
