"""The figures query on a quarter's worth of records: 1 million services by default.

    .venv/bin/python benchmarks/figures.py                     # SQLite in a temporary folder
    .venv/bin/python benchmarks/figures.py --postgres          # a fresh database on 127.0.0.1:5432

Prints how long it took to generate the records and each figures query (best of 3).
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
from kiosk.server.models import Hall, Helper, Queue, Rating, Service, Ticket, Window  # noqa: E402

START = datetime(2026, 7, 1, 1, 0)  # 09:00 in the hall
DAYS = 92


def generate(db: Database, services: int, batch: int = 20000) -> None:
    rng = random.Random(2026)
    with db.read() as s:
        hall = s.scalar(select(Hall).where(Hall.code == "county"))
        queues = s.scalars(select(Queue.id).where(Queue.hall_id == hall.id)).all()
        windows = s.scalars(select(Window.id).where(Window.hall_id == hall.id)).all()
        helpers = s.scalars(select(Helper.id).where(Helper.hall_id == hall.id)).all()
    add_device(db, "pad", "bench-pad", 1)  # the ratings need a device
    with db.read() as s:
        from kiosk.server.models import Device
        device = s.scalar(select(Device.id).where(Device.name == "bench-pad"))
    per_day = services // DAYS + 1
    made = 0
    while made < services:
        tickets, served, rated = [], [], []
        for n in range(made, min(made + batch, services)):
            day, nth = divmod(n, per_day)
            issued = START + timedelta(days=day, seconds=nth * 28800 / per_day)
            called = issued + timedelta(seconds=rng.expovariate(1 / 600))
            finished = called + timedelta(seconds=rng.expovariate(1 / 420))
            queue = rng.choice(queues)
            tid = n + 1
            tickets.append(dict(id=tid, hall_id=hall.id, queue_id=queue, service_type="help",
                                day=(issued + timedelta(hours=8)).date(), seq=nth + 1,
                                number=f"Q{tid}", public_token=f"t{tid}", status="finished", tier=2,
                                rank_at=issued, issued_at=issued, called_at=called, finished_at=finished,
                                window_id=rng.choice(windows), helper_id=rng.choice(helpers), outcome="done",
                                recall_count=0))
            served.append(dict(id=tid, hall_id=hall.id, ticket_id=tid, queue_id=queue,
                               window_id=tickets[-1]["window_id"], helper_id=tickets[-1]["helper_id"],
                               called_at=called, finished_at=finished, ended_at=finished, end_reason="finished",
                               outcome="done", log=""))
            if rng.random() < 0.6:
                rated.append(dict(hall_id=hall.id, service_id=tid, window_id=served[-1]["window_id"],
                                  helper_id=served[-1]["helper_id"], device_id=device,
                                  score=rng.choices([5, 4, 3, 2, 1], [80, 15, 3, 1, 1])[0], pad_seq=tid,
                                  rated_at=finished))
        with db.write() as s:
            s.execute(insert(Ticket), tickets)
            s.execute(insert(Service), served)
            if rated:
                s.execute(insert(Rating), rated)
        made += len(tickets)


def timed(fn) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
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
            print(f"database            {'postgres' if pg else 'sqlite'}")
            print(f"services            {args.services}")
            print(f"generate_s          {time.perf_counter() - t0:.1f}")
            with db.read() as s:
                hall_id = s.scalar(select(Hall.id).where(Hall.code == "county"))
                first, last = date(2026, 7, 1), date(2026, 9, 30)
                figures = {
                    "summary_quarter_s": lambda: hall_summary(s, hall_id, first, last),
                    "by_queue_month_s": lambda: service_figures(s, hall_id, first, last, "queue", "month"),
                    "by_helper_day_s": lambda: service_figures(s, hall_id, first, last, "helper", "day"),
                    "by_window_quarter_s": lambda: service_figures(s, hall_id, first, last, "window", "quarter"),
                }
                for name, fn in figures.items():
                    print(f"{name:<20}{timed(fn):.3f}")
            db.dispose()
        finally:
            if pg:
                pg.drop()


if __name__ == "__main__":
    main()
