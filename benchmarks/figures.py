"""The figures query on a quarter's worth of records: 1 million services by default.

    .venv/bin/python benchmarks/figures.py                     # SQLite in a temporary folder
    .venv/bin/python benchmarks/figures.py --postgres          # a fresh database on 127.0.0.1:5432
    .venv/bin/python benchmarks/figures.py --services 100000 --raw
    .venv/bin/python benchmarks/figures.py --short             # 2,000 services: that it runs, not a figure

The quarter is 2026-Q3, seen on its last afternoon: 2026-09-30 is the open day (read from the
records), the 91 days before it are closed (read from their rollups, which the first query
builds). Besides the services (60 % rated, 2 % of those bad, each bad one with a follow-up) it
makes one proxy case per 20 services. Prints the time to generate the records, then for each
query the first run (which may build rollups) and the warm one (best of 3); ``--raw`` adds
each query read wholly from the records, as the figures were before the rollups.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from kiosk.server.admin import add_device, seed_demo  # noqa: E402
from kiosk.server.db import Database, migrate  # noqa: E402
from kiosk.server.figures import hall_summary, service_figures  # noqa: E402
from kiosk.server.models import (  # noqa: E402
    Case, Device, FollowUp, Hall, Helper, Matter, Queue, Rating, Service, Ticket, Window,
)

START = datetime(2026, 7, 1, 1, 0)  # 09:00 in the hall
DAYS = 92
FIRST, LAST = date(2026, 7, 1), date(2026, 9, 30)
NOW = datetime(2026, 9, 30, 6, 0)  # 14:00 in the hall on the quarter's last day
CASE_EVERY = 20


def _hall_ids(db: Database) -> dict:
    with db.read() as s:
        hall = s.scalar(select(Hall).where(Hall.code == "county"))
        return {"hall": hall.id,
                "queues": s.scalars(select(Queue.id).where(Queue.hall_id == hall.id)).all(),
                "windows": s.scalars(select(Window.id).where(Window.hall_id == hall.id)).all(),
                "helpers": s.scalars(select(Helper.id).where(Helper.hall_id == hall.id)).all(),
                "matters": s.scalars(select(Matter.id).where(Matter.hall_id == hall.id)).all()}


def generate(db: Database, services: int, batch: int = 20000) -> None:
    rng = random.Random(2026)
    ids = _hall_ids(db)
    hall = ids["hall"]
    add_device(db, "pad", "bench-pad", 1)  # the ratings need a device
    with db.read() as s:
        device = s.scalar(select(Device.id).where(Device.name == "bench-pad"))
    per_day = services // DAYS + 1
    made = 0
    while made < services:
        tickets, served, rated, follow_ups, cases = [], [], [], [], []
        for n in range(made, min(made + batch, services)):
            day, nth = divmod(n, per_day)
            issued = START + timedelta(days=day, seconds=nth * 28800 / per_day)
            called = issued + timedelta(seconds=rng.expovariate(1 / 600))
            finished = called + timedelta(seconds=rng.expovariate(1 / 420))
            queue, window, helper = rng.choice(ids["queues"]), rng.choice(ids["windows"]), rng.choice(ids["helpers"])
            tid = n + 1
            tickets.append(dict(id=tid, hall_id=hall, queue_id=queue, service_type="help",
                                day=(issued + timedelta(hours=8)).date(), seq=nth + 1,
                                number=f"Q{tid}", public_token=f"t{tid}", status="finished", tier=2,
                                rank_at=issued, issued_at=issued, called_at=called, finished_at=finished,
                                window_id=window, helper_id=helper, outcome="done", recall_count=0))
            served.append(dict(id=tid, hall_id=hall, ticket_id=tid, queue_id=queue, window_id=window,
                               helper_id=helper, called_at=called, finished_at=finished, ended_at=finished,
                               end_reason="finished", outcome="done", log=""))
            if rng.random() < 0.6:
                score = rng.choices([5, 4, 3, 2, 1], [80, 15, 3, 1, 1])[0]
                rated.append(dict(id=tid, hall_id=hall, service_id=tid, window_id=window, helper_id=helper,
                                  device_id=device, score=score, pad_seq=tid, rated_at=finished))
                if score <= 2:
                    closed = rng.random() < 0.8
                    follow_ups.append(dict(hall_id=hall, rating_id=tid, helper_id=helper,
                                           status="closed" if closed else "open", opened_at=finished,
                                           closed_at=finished + timedelta(days=2) if closed else None, note=""))
            if n % CASE_EVERY == 0:
                cases.append(_case(rng, n // CASE_EVERY + 1, hall, tid, rng.choice(ids["matters"]), helper,
                                   finished))
        with db.write() as s:
            s.execute(insert(Ticket), tickets)
            s.execute(insert(Service), served)
            if rated:
                s.execute(insert(Rating), rated)
            if follow_ups:
                s.execute(insert(FollowUp), follow_ups)
            if cases:
                s.execute(insert(Case), cases)
        made += len(tickets)


def _case(rng: random.Random, number: int, hall: int, ticket: int, matter: int, helper: int,
          entrusted: datetime) -> dict:
    """A proxy case entrusted at the visit; nine in ten closed, about one in twenty late."""
    deadline = (entrusted + timedelta(hours=8, days=rng.choice([1, 3, 7, 20]))).date()
    closed = entrusted + timedelta(days=rng.uniform(0.2, 1.05) * (deadline - entrusted.date()).days)
    state = rng.choices(["completed", "archived", "in_progress"], [60, 30, 10])[0]
    return dict(hall_id=hall, number=f"DB-{number:07d}", ticket_id=ticket, matter_id=matter, helper_id=helper,
                applicant="测试申请人", applicant_kind="person", id_number="110101199003074514",
                phone="13800000000", delivery="pickup", state=state, entrusted_at=entrusted,
                accepted_at=entrusted, deadline=deadline,
                closed_at=None if state == "in_progress" else closed)


def best_of_3(fn) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def queries(s, hall_id: int, use_rollups: bool = True) -> dict:
    out = {"hall_summary": lambda: hall_summary(s, hall_id, FIRST, LAST, use_rollups=use_rollups, now=NOW)}
    for group in ("queue", "window", "helper"):
        for period in ("day", "month", "quarter"):
            out[f"{group}/{period}"] = (lambda g=group, p=period: service_figures(
                s, hall_id, FIRST, LAST, g, p, use_rollups=use_rollups, now=NOW))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--raw", action="store_true", help="also time each query read wholly from the records")
    parser.add_argument("--short", action="store_true", help="2,000 services, to check that the benchmark runs")
    args = parser.parse_args()
    if args.short:
        args.services = 2000
    with tempfile.TemporaryDirectory() as tmp:
        pg = None
        if args.postgres:
            from tests.conftest import PostgresDatabase
            pg = PostgresDatabase()
        url = pg.url if pg else f"sqlite:///{Path(tmp) / 'figures.sqlite3'}"
        try:
            migrate(url)
            db = Database(url)
            seed_demo(db)
            t0 = time.perf_counter()
            generate(db, args.services)
            if pg:  # as autovacuum would after a day's inserts: the planner needs the tables' statistics
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
            print(f"database   {'postgres' if pg else 'sqlite'}")
            print(f"services   {args.services}")
            print(f"generate_s {time.perf_counter() - t0:.1f}")
            print(f"{'query':<16}{'first_s':>9}{'warm_s':>9}" + (f"{'raw_s':>9}" if args.raw else ""))
            with db.read() as s:
                hall_id = s.scalar(select(Hall.id).where(Hall.code == "county"))
                raw = queries(s, hall_id, use_rollups=False)
                for name, fn in queries(s, hall_id).items():
                    line = f"{name:<16}{once(fn):>9.3f}{best_of_3(fn):>9.3f}"
                    print(line + (f"{once(raw[name]):>9.3f}" if args.raw else ""), flush=True)
            db.dispose()
        finally:
            if pg:
                pg.drop()


if __name__ == "__main__":
    main()
