"""A busy hall's outage: how long its hall server takes to send the centre an hour's records once
the link is back, and how fast its own kiosks and windows are answered meanwhile (#21).

    .venv/bin/python benchmarks/hall_outage.py                # one hour: 720 tickets, SQLite everywhere
    .venv/bin/python benchmarks/hall_outage.py --db postgresql+psycopg://postgres@127.0.0.1/bench_outage
        (the centre on that PostgreSQL database, created if missing; never name the database postgres)
    .venv/bin/python benchmarks/hall_outage.py --short        # a few tickets: that it runs, not a figure

The centre and the hall server are real processes; the link between them goes through a proxy
that is cut for the outage (tests/linkcut.py). During the outage the hall plays an hour of a
hall issuing a ticket every 5 s, all of them called, served, rated on the pad and each with a
captured page (a JPEG of --page-kb), as fast as it can rather than in an hour. Then the link is
restored and, until the centre holds the last of the hour's records, a kiosk and a window at the hall issue and call
every --probe-s seconds: their latencies are the ones quoted. The aim: the drain under 60 s,
issue and call-next p99 under 50 ms while it drains.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import LiveServer, auth  # noqa: E402
from tests.server.hall_servers import Desk, HallServer, until  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def own_link(hall: HallServer, admin: str) -> dict:
    return requests.get(hall.url + "/api/v1/sync/links", headers=auth(admin), timeout=10).json()[0]


def ratings_at_centre(centre: LiveServer) -> int:
    """The last record of each ticket played: all of them at the centre, everything before them is."""
    from sqlalchemy import func, select

    from kiosk.server.models import Rating

    with centre.database.read() as db:
        return db.scalar(select(func.count()).select_from(Rating))


def play_outage(hall: HallServer, desk: Desk, session: str, pad: str, tickets: int, page: bytes) -> None:
    queue = desk.queue_id("A")
    for k in range(tickets):
        desk.issue(queue)
        ticket = desk.call(session, 1)
        desk.upload(ticket["id"], page)
        desk.finish(session, ticket["id"])
        r = requests.post(desk.url + "/windows/1/ratings", headers=auth(pad), timeout=10,
                          json={"score": 5 - k % 3, "pad_seq": k + 1})
        assert r.status_code == 201, r.text


def probe(desk: Desk, session: str, every_s: float, stop: threading.Event, issue: list, call: list) -> None:
    queue = desk.queue_id("C")
    while not stop.is_set():
        started = time.perf_counter()
        desk.issue(queue)
        issue.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        r = requests.post(f"{desk.url}/windows/3/call-next", headers=auth(session), timeout=10)
        call.append((time.perf_counter() - started) * 1000)
        if r.status_code == 200:
            desk.finish(session, r.json()["id"])
        stop.wait(every_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="the centre's PostgreSQL URL (default: SQLite in a temporary folder)")
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--every-s", type=float, default=5.0, help="one ticket per this many seconds of the hour")
    parser.add_argument("--page-kb", type=int, default=150)
    parser.add_argument("--probe-s", type=float, default=0.2)
    parser.add_argument("--short", action="store_true")
    args = parser.parse_args()
    tickets = 6 if args.short else int(args.hours * 3600 / args.every_s)
    if args.db and args.db.rstrip("/").endswith("/postgres"):
        sys.exit("give a database of its own, not postgres itself")
    if args.db:
        from sqlalchemy import create_engine, text
        admin_url, name = args.db.rsplit("/", 1)
        engine = create_engine(admin_url + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    root = Path(tempfile.mkdtemp(prefix="bangban-outage-"))
    (root / "centre").mkdir()
    centre = LiveServer(root / "centre", args.db)
    centre.start()
    hall = HallServer(root, centre, "county", 1)
    try:
        hall.start()
        admin = hall.token("admin")
        desk = Desk(hall.url, hall.token("kiosk"))
        pad = hall.token("pad", 1)
        hall.wait_for_token(pad)
        session, prober = hall.sign_in(1, "1006"), hall.sign_in(3, "1008")
        page = b"\xff\xd8\xff\xe0" + os.urandom(args.page_kb * 1024)
        hall.link.cut()
        started = time.perf_counter()
        play_outage(hall, desk, session, pad, tickets, page)
        played_s = time.perf_counter() - started
        backlog = own_link(hall, admin)
        issue, call, stop = [], [], threading.Event()
        prober_thread = threading.Thread(target=probe, args=(desk, prober, args.probe_s, stop, issue, call))
        prober_thread.start()
        time.sleep(1.0)  # the probe's own first requests, before the link comes back
        issue.clear(), call.clear()
        hall.link.restore()
        restored = time.perf_counter()
        until(lambda: ratings_at_centre(centre) == tickets, 600, "the drain", every=0.05)
        drain_s = time.perf_counter() - restored
        stop.set()
        prober_thread.join()
        load = os.getloadavg()
        print(f"outage: {tickets} tickets ({args.hours:g} h at one per {args.every_s:g} s), each called, served, "
              f"rated, with a {args.page_kb} KB page; played in {played_s:.1f} s")
        print(f"backlog when the link came back: {backlog['backlog_records']} records")
        print(f"drain: {drain_s:.1f} s  (aim < 60 s)")
        print(f"while draining, at the hall: issue p50 {pct(issue, 50):.1f} ms p99 {pct(issue, 99):.1f} ms; "
              f"call-next p50 {pct(call, 50):.1f} ms p99 {pct(call, 99):.1f} ms  ({len(issue)} of each; aim p99 < 50 ms)")
        print(f"centre: {'PostgreSQL' if args.db else 'SQLite'}; hall server: SQLite; "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        hall.close()
        centre.close()


if __name__ == "__main__":
    main()
