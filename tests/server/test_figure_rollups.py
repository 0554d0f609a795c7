"""The figures read from per-day rollups equal the figures read from the records, on SQLite and
PostgreSQL, over a generated quarter and after the records of closed days change."""
from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from kiosk.server import figures, rollups
from kiosk.server.admin import add_device, seed_demo
from kiosk.server.db import Database, migrate
from kiosk.server.models import (
    Base, Case, Device, FigureDay, FollowUp, Hall, Helper, Matter, Queue, Rating, RatingExclusion, Service,
    Ticket, Window,
)
from kiosk.server.timeutil import local_day, utcnow
from tests.server.api import Api

FIRST, OPEN_DAY = date(2026, 3, 27), date(2026, 7, 3)  # from Q1's end through Q2 into Q3
NOW = datetime(2026, 7, 3, 7, 0)  # 15:00 in the hall on the open day
EVERY_GROUP = (None, *figures.GROUPS)
EVERY_PERIOD = (None, *figures.PERIODS)


def at(day: date, hours: float) -> datetime:
    """UTC of a moment ``hours`` after the hall's (Asia/Shanghai) midnight starting ``day``."""
    return datetime.combine(day, time()) + timedelta(hours=hours - 8)


class Quarter:
    """A quarter of varied records, made straight in the database: several queues, windows and
    helpers; tickets never called, served, no-shows, transferred (then served or left waiting),
    still held; waits and services across midnight; unrated, rated, late-rated and excluded
    ratings; follow-ups and proxy cases."""

    def __init__(self, database: Database, seed: int = 8):
        self.db, self.rng = database, random.Random(seed)
        with database.read() as s:
            hall = s.scalar(select(Hall).where(Hall.code == "county"))
            self.hall = hall.id
            self.queues = {q.id: q.prefix for q in s.scalars(select(Queue).where(Queue.hall_id == hall.id))}
            self.windows = s.scalars(select(Window.id).where(Window.hall_id == hall.id)).all()
            self.helpers = s.scalars(select(Helper.id).where(Helper.hall_id == hall.id)).all()
            self.matters = s.scalars(select(Matter.id).where(Matter.hall_id == hall.id)).all()
        add_device(database, "pad", "rollup-pad", 1)
        with database.read() as s:
            self.pad = s.scalar(select(Device.id).where(Device.name == "rollup-pad"))
        self.pad_seq = 0

    def make(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            with self.db.write() as s:
                for seq in range(1, self.rng.choice([0, 2, 9, 20, 35]) + 1):
                    self._visit(s, day, seq)
            day += timedelta(days=1)

    def _visit(self, s, day: date, seq: int) -> None:
        rng = self.rng
        late = rng.random() < 0.12  # issued in the hall's last half hour: called, served or rated after midnight
        issued = at(day, rng.uniform(23.5, 23.99) if late else rng.uniform(8, 17.5))
        issued += timedelta(microseconds=rng.randrange(1_000_000))
        queue = rng.choice(list(self.queues))
        ticket = Ticket(hall_id=self.hall, queue_id=queue, service_type="help", day=day, seq=seq,
                        number=f"{self.queues[queue]}{seq:03d}", public_token=secrets.token_urlsafe(12),
                        status="waiting", tier=2, rank_at=issued, issued_at=issued, recall_count=0)
        s.add(ticket)
        s.flush()
        fate = rng.choices(["waiting", "done", "no_show", "moved_done", "moved_waiting", "held"],
                           [8, 60, 8, 10, 6, 3])[0]
        if fate == "waiting":
            return
        called = issued + timedelta(seconds=rng.expovariate(1 / 900))
        window, helper = rng.choice(self.windows), rng.choice(self.helpers)
        ticket.status, ticket.called_at, ticket.window_id, ticket.helper_id = "serving", called, window, helper
        service = Service(hall_id=self.hall, ticket_id=ticket.id, queue_id=queue, window_id=window,
                          helper_id=helper, called_at=called, log="")
        s.add(service)
        if fate in ("moved_done", "moved_waiting"):
            moved = called + timedelta(seconds=rng.uniform(30, 600))
            service.ended_at, service.end_reason = moved, "transferred"
            ticket.window_id, ticket.status = None, "waiting"
            if rng.random() < 0.5:
                ticket.queue_id = queue = rng.choice(list(self.queues))
            if fate == "moved_waiting":
                return
            called = moved + timedelta(seconds=rng.expovariate(1 / 300))
            window, helper = rng.choice(self.windows), rng.choice(self.helpers)
            ticket.status, ticket.called_at, ticket.window_id, ticket.helper_id = "serving", called, window, helper
            service = Service(hall_id=self.hall, ticket_id=ticket.id, queue_id=queue, window_id=window,
                              helper_id=helper, called_at=called, log="")
            s.add(service)
        if fate == "held":
            return
        ended = called + timedelta(seconds=rng.expovariate(1 / 480), microseconds=rng.randrange(1_000_000))
        if fate == "no_show":
            service.ended_at, service.end_reason, ticket.status, ticket.finished_at = ended, "no_show", "no_show", ended
            return
        service.finished_at = service.ended_at = ticket.finished_at = ended
        service.end_reason, service.outcome, ticket.outcome, ticket.status = "finished", "done", "done", "finished"
        s.flush()
        if rng.random() < 0.65:
            self.rate(s, service, rng.choices([5, 4, 3, 2, 1], [60, 20, 8, 7, 5])[0],
                      ended + timedelta(seconds=rng.uniform(1, 590)))
        if rng.random() < 0.1:
            self._case(s, ticket, helper, ended)

    def rate(self, s, service: Service, score: int, rated_at: datetime, excluded: bool | None = None) -> Rating:
        self.pad_seq += 1
        rating = Rating(hall_id=self.hall, service_id=service.id, window_id=service.window_id,
                        helper_id=service.helper_id, device_id=self.pad, score=score, pad_seq=self.pad_seq,
                        rated_at=rated_at)
        s.add(rating)
        s.flush()
        if score <= 2:
            s.add(FollowUp(hall_id=self.hall, rating_id=rating.id, helper_id=service.helper_id,
                           status=self.rng.choice(["open", "closed"]), opened_at=rated_at))
        if excluded if excluded is not None else self.rng.random() < (0.3 if score <= 2 else 0.03):
            s.add(RatingExclusion(rating_id=rating.id, hall_id=self.hall, decided_at=rated_at, reason="申诉成立"))
        return rating

    def _case(self, s, ticket: Ticket, helper: int, entrusted: datetime) -> None:
        deadline = local_day(entrusted) + timedelta(days=self.rng.choice([1, 3, 10]))
        state = self.rng.choice(["completed", "archived", "in_progress", "terminated"])
        closed = None if state == "in_progress" else at(deadline, self.rng.uniform(-30, 40))
        s.add(Case(hall_id=self.hall, number=f"DB-{ticket.id:06d}", ticket_id=ticket.id,
                   matter_id=self.rng.choice(self.matters), helper_id=helper, applicant="测试", applicant_kind="person",
                   id_number="110101199003074514", phone="13800000000", delivery="pickup", state=state,
                   entrusted_at=entrusted, deadline=deadline, closed_at=closed))


@pytest.fixture
def quarter(tmp_path, database_url):
    url = database_url or f"sqlite:///{tmp_path / 'rollups.sqlite3'}"
    migrate(url)
    database = Database(url)
    seed_demo(database)
    made = Quarter(database)
    made.make(FIRST, OPEN_DAY)
    yield made
    database.dispose()


def assert_both_paths_agree(database: Database, hall: int, first: date, last: date, now: datetime) -> list:
    """Every grouping and period, and the hall's summary: rollups and records give the same figures."""
    with database.read() as s:
        for group in EVERY_GROUP:
            for period in EVERY_PERIOD:
                rolled = figures.service_figures(s, hall, first, last, group, period, now=now)
                raw = figures.service_figures(s, hall, first, last, group, period, use_rollups=False, now=now)
                assert rolled == raw, (group, period)
        summary = figures.hall_summary(s, hall, first, last, now=now)
        assert summary == figures.hall_summary(s, hall, first, last, use_rollups=False, now=now)
        return summary


def fresh(database: Database, hall: int) -> set[date]:
    with database.read() as s:
        return {d for d, c, b in s.execute(select(FigureDay.day, FigureDay.changes, FigureDay.built)
                                           .where(FigureDay.hall_id == hall)) if c == b}


def test_rollups_equal_the_records_over_a_quarter_and_after_late_changes(quarter):
    db, hall = quarter.db, quarter.hall
    before = assert_both_paths_agree(db, hall, FIRST, OPEN_DAY, NOW)
    closed = set(rollups.days_between(FIRST, OPEN_DAY - timedelta(days=1)))
    assert fresh(db, hall) == closed  # the first query rolled up every closed day, not the open one
    assert before["services"] > 800 and before["satisfaction"]["rated"] > 400 and before["cases"]["closed"] > 30
    for first, last in ((date(2026, 4, 10), date(2026, 6, 20)), (OPEN_DAY, OPEN_DAY), (date(2026, 6, 29), OPEN_DAY)):
        assert_both_paths_agree(db, hall, first, last, NOW)

    # Closed days change: each write says so with rollups.changed(), as the server's do.
    before_open = at(OPEN_DAY, 0)
    with db.write() as s:
        held = s.scalars(select(Service).where(Service.hall_id == hall, Service.ended_at.is_(None),
                                               Service.called_at < before_open).order_by(Service.id)).first()
        held.finished_at = held.ended_at = NOW  # a service held since an earlier day is finished today
        held.end_reason = "finished"
        rollups.changed(s, hall, held.called_at, NOW)
        quarter.rate(s, held, 1, NOW + timedelta(minutes=1), excluded=False)  # and rated
        rollups.changed(s, hall, held.called_at, NOW)
        unrated = s.scalars(select(Service).outerjoin(Rating, Rating.service_id == Service.id).where(
            Service.hall_id == hall, Service.finished_at.is_not(None), Rating.id.is_(None),
            Service.called_at < before_open).order_by(Service.id.desc())).first()
        quarter.rate(s, unrated, 5, NOW - timedelta(days=2), excluded=False)  # a pad's late delivery
        rollups.changed(s, hall, unrated.called_at, NOW)
        corrected = s.scalars(select(Ticket).where(Ticket.hall_id == hall, Ticket.window_id.is_not(None),
                                                   Ticket.issued_at < before_open).order_by(Ticket.id)).first()
        corrected.window_id = next(w for w in quarter.windows if w != corrected.window_id)  # a ticket corrected
        rollups.changed(s, hall, corrected.issued_at, NOW)
    with db.write() as s:
        good, good_called = s.execute(
            select(Rating, Service.called_at).join(Service, Service.id == Rating.service_id)
            .outerjoin(RatingExclusion, RatingExclusion.rating_id == Rating.id)
            .where(Rating.hall_id == hall, Rating.score == 5, RatingExclusion.rating_id.is_(None),
                   Service.called_at < before_open).order_by(Rating.id)).first()
        figures.exclude_rating(s, good.id, None, "申诉复核：误评", now=NOW)  # excluded on appeal
    stale = {local_day(m) for m in (held.called_at, unrated.called_at, corrected.issued_at, good_called)}
    assert closed - fresh(db, hall) == stale
    after = assert_both_paths_agree(db, hall, FIRST, OPEN_DAY, NOW)
    assert fresh(db, hall) == closed  # the stale days were built again
    assert after["services"] == before["services"] + 1
    assert after["satisfaction"]["rated"] == before["satisfaction"]["rated"] + 1  # +2 ratings, -1 excluded


def test_a_change_without_its_marker_is_what_the_rollups_would_miss(quarter):
    """The comparison can fail: the rollups see a closed day's change only through changed()."""
    db, hall = quarter.db, quarter.hall
    assert_both_paths_agree(db, hall, FIRST, OPEN_DAY, NOW)
    with db.write() as s:
        rating = s.scalars(select(Rating).where(Rating.hall_id == hall, Rating.score == 5)).first()
        rating.score = 1
        called = s.get(Service, rating.service_id).called_at
    with db.read() as s:
        args = (s, hall, FIRST, OPEN_DAY, None, None)
        assert figures.service_figures(*args, now=NOW) != figures.service_figures(*args, use_rollups=False, now=NOW)
    with db.write() as s:
        rollups.changed(s, hall, called, NOW)
    assert_both_paths_agree(db, hall, FIRST, OPEN_DAY, NOW)


def test_a_change_during_a_build_leaves_the_day_stale_not_wrong(quarter):
    db, hall, day = quarter.db, quarter.hall, date(2026, 6, 1)
    with db.read() as s:  # the builder read the counter (0), then a change committed, then it stores
        with db.write() as w:
            rollups.changed(w, hall, at(day, 10), NOW)
        assert rollups.build_day(s, hall, day, 0) is False
    assert day not in fresh(db, hall)
    assert_both_paths_agree(db, hall, day, day, NOW)
    assert day in fresh(db, hall)


def test_today_costs_nothing_and_a_day_settles_an_hour_after_midnight():
    assert rollups.last_closed_day(at(date(2026, 7, 3), 0.9)) == date(2026, 7, 1)
    assert rollups.last_closed_day(at(date(2026, 7, 3), 1.1)) == date(2026, 7, 2)
    assert rollups.runs([date(2026, 7, 1), date(2026, 7, 3), date(2026, 7, 2), date(2026, 7, 9)]) == [
        (date(2026, 7, 1), date(2026, 7, 3)), (date(2026, 7, 9), date(2026, 7, 9))]

    class NoWrites:  # changed() must not even reach the database for today's records
        def execute(self, *_):
            raise AssertionError("a write for today's record")
    rollups.changed(NoWrites(), 1, at(date(2026, 7, 3), 0.5), at(date(2026, 7, 3), 23.9))


def test_migrations_build_exactly_the_models_on_postgres(postgres_db):
    from sqlalchemy import create_engine

    migrate(postgres_db.url)
    engine = create_engine(postgres_db.url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_the_servers_late_writes_mark_their_days(live_server):
    """Over HTTP: a ticket held since two days ago is finished and rated, and a pad delivers a
    press of three days ago; the figures of those closed days change, rollups and records alike."""
    kiosk_db = live_server.database
    today = local_day(utcnow())
    two_ago, three_ago = today - timedelta(days=2), today - timedelta(days=3)
    with kiosk_db.write() as s:
        hall = s.scalar(select(Hall.id).where(Hall.code == "county"))
        window = {w.number: w.id for w in s.scalars(select(Window).where(Window.hall_id == hall))}
        helper = s.scalar(select(Helper.id).where(Helper.hall_id == hall, Helper.code == "1003"))

        def ticket(day: date, hours: float, number: int, status: str, finished: bool):
            issued = at(day, hours)
            t = Ticket(hall_id=hall, queue_id=1, service_type="help", day=day, seq=900 + number,
                       number=f"A{900 + number}", public_token=secrets.token_urlsafe(12), status=status, tier=2,
                       rank_at=issued, issued_at=issued, called_at=issued + timedelta(minutes=5),
                       window_id=window[number], helper_id=helper, recall_count=0,
                       finished_at=issued + timedelta(minutes=20) if finished else None)
            s.add(t)
            s.flush()
            service = Service(hall_id=hall, ticket_id=t.id, queue_id=1, window_id=window[number], helper_id=helper,
                              called_at=t.called_at, finished_at=t.finished_at, ended_at=t.finished_at,
                              end_reason="finished" if finished else None, log="")
            s.add(service)
            s.flush()
            return t.id, service.id, t.finished_at

        held, _, _ = ticket(two_ago, 16.5, 1, "serving", False)
        _, served, finished_at = ticket(three_ago, 10, 2, "finished", True)
    staff = Api(live_server.url, live_server.helper_session(1, "1003"))
    params = {"group": "window", "period": "day", "from": (today - timedelta(days=5)).isoformat()}
    first = staff.get("/api/v1/figures/services", params=params).json()  # builds the closed days
    assert {two_ago, three_ago} <= fresh(kiosk_db, hall)

    assert staff.post(f"/api/v1/tickets/{held}/finish", {"outcome": "done"}).status_code == 200
    pad1 = Api(live_server.url, live_server.device_token("pad", 1))
    assert pad1.post("/api/v1/windows/1/ratings", {"score": 2, "pad_seq": 1}).status_code == 201
    pad2 = Api(live_server.url, live_server.device_token("pad", 2))
    pressed = (finished_at + timedelta(minutes=1)).isoformat() + "+00:00"
    late = pad2.post("/api/v1/windows/2/ratings",
                     {"score": 5, "pad_seq": 1, "service_id": served, "pressed_at": pressed})
    assert late.status_code == 201, late.text
    with kiosk_db.read() as s:
        marks = dict(s.execute(select(FigureDay.day, FigureDay.changes).where(FigureDay.hall_id == hall)).all())
    assert marks[two_ago] == 2 and marks[three_ago] == 1 and today not in marks

    second = staff.get("/api/v1/figures/services", params=params).json()
    with kiosk_db.read() as s:
        raw = figures.service_figures(s, hall, today - timedelta(days=5), today, "window", "day", use_rollups=False)
    assert second == raw and second != first
    row = next(r for r in second if r["period"] == two_ago.isoformat() and r["group"] == "1 号窗口")
    assert row["service"]["count"] == 1 and row["satisfaction"]["rated"] == 1
    row = next(r for r in second if r["period"] == three_ago.isoformat() and r["group"] == "2 号窗口")
    assert row["satisfaction"] == {"rated": 1, "satisfied": 1, "rate": 1.0, "meets_target": True}


def test_the_server_builds_closed_days_before_anyone_asks(quarter):
    db, hall = quarter.db, quarter.hall
    assert fresh(db, hall) == set()
    looked = rollups.warm(db, NOW)
    closed = set(rollups.days_between(FIRST, rollups.last_closed_day(NOW)))
    assert looked == len(closed) and fresh(db, hall) == closed
    assert rollups.warm(db, NOW) == looked and fresh(db, hall) == closed  # a second pass builds nothing new
    assert_both_paths_agree(db, hall, FIRST, OPEN_DAY, NOW)
