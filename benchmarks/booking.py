"""Bookings under load: overbooking under a burst, and booking and check-in latency at a steady rate.

    .venv/bin/python benchmarks/booking.py [--burst 1000] [--rate 50] [--seconds 20] [--db URL]
    .venv/bin/python benchmarks/booking.py --short      # a small burst, 1 s at the rate: that it runs

Starts its own server with the demo hall in a temporary folder (SQLite, or the PostgreSQL
database ``--db`` names, which it migrates and seeds; use an empty one). Then:
1. burst: ``--burst`` bookings sent at once (64 at a time, from a barrier), spread over the
   slots in turn, against tomorrow's capacity for one matter (16 slots of 10): exactly the
   capacity must be booked (when the burst fills it), the rest refused with ``slot_full``;
2. booking: ``--rate`` bookings a second for ``--seconds`` (open loop: each sent at its time,
   whatever the answers before it), into today's next slot of another matter;
3. check-in: the same rate, each of those bookings checked in at a kiosk by its code.
Prints p50, p90, p99 and max in milliseconds for 2 and 3 (the aim: p99 < 50 ms), and the
machine's load (``uptime``) before and after.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import hall_today  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def start_server(folder: Path, db_url: str | None):
    import requests

    from kiosk.server.admin import add_device, seed_demo
    from kiosk.server.db import Database, migrate

    url_db = db_url or f"sqlite:///{folder / 'bangban.sqlite3'}"
    migrate(url_db)
    database = Database(url_db)
    seed_demo(database)
    kiosk = add_device(database, "kiosk", "bench-kiosk")
    window = add_device(database, "window", "bench-window", 1)
    port = free_port()
    args = [sys.executable, "-m", "kiosk.commands.cli", "server", "--data", str(folder), "--port", str(port)]
    # every request comes from 127.0.0.1: the per-address bound on public bookings would stop the test at 10
    env = {**os.environ, "BANGBAN_CITIZEN_BOOKINGS_PER_MINUTE": "100000"}
    proc = subprocess.Popen(args + (["--db", db_url] if db_url else []), stdout=open(folder / "server.log", "ab"),
                            stderr=subprocess.STDOUT, cwd=str(REPO), env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        sys.exit("server did not start; see " + str(folder / "server.log"))
    session = requests.post(url + "/api/v1/sessions", headers={"Authorization": f"Bearer {window}"},
                            json={"helper_code": "1002", "pin": "246810", "window": 1}, timeout=10).json()["token"]
    return proc, url, database, kiosk, session


_local = threading.local()


def post(url: str, path: str, body: dict, token: str | None = None) -> tuple[int, dict, float]:
    import requests

    http = getattr(_local, "http", None) or requests.Session()
    _local.http = http
    started = time.perf_counter()
    r = http.post(url + path, json=body, headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=30)
    return r.status_code, r.json(), (time.perf_counter() - started) * 1000


def band(url: str, token: str, queue_id: int, matter_id: int, start: str, end: str, minutes: int, capacity: int):
    status, body, _ = post(url, "/api/v1/booking-bands", {
        "queue_id": queue_id, "matter_id": matter_id, "weekdays": "0123456", "start": start, "end": end,
        "slot_minutes": minutes, "capacity": capacity}, token)
    assert status == 201, body


def burst(url: str, matter_id: int, count: int, slots: list[str], day: date) -> dict:
    gate = threading.Barrier(min(count, 64))

    def one(i: int):
        if i < 64:
            gate.wait()
        return post(url, "/api/v1/public/halls/county/bookings", {
            "matter_id": matter_id, "day": day.isoformat(), "start": slots[i % len(slots)], "name": f"压测{i}",
            "phone": f"139{i:08d}"})
    with ThreadPoolExecutor(64) as pool:
        answers = list(pool.map(one, range(count)))
    made = sum(1 for s, _, _ in answers if s == 201)
    full = sum(1 for s, b, _ in answers if s == 409 and b["error"]["code"] == "slot_full")
    return {"made": made, "full": full, "other": count - made - full}


def steady(rate: float, count: int, send) -> tuple[list[float], list]:
    """``count`` calls of ``send(i)``, the i-th at start + i / rate; latencies in ms and answers."""
    started = time.perf_counter() + 0.2
    out: list = [None] * count

    def one(i: int):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        out[i] = send(i)
    with ThreadPoolExecutor(64) as pool:
        list(pool.map(one, range(count)))
    return [ms for _, _, ms in out], out


def report(name: str, latencies: list[float], answers: list, ok: int) -> None:
    good = sum(1 for s, _, _ in answers if s == ok)
    print(f"{name}: {len(latencies)} requests, {good} answered {ok}; ms p50 {percentile(latencies, 50):.1f} "
          f"p90 {percentile(latencies, 90):.1f} p99 {percentile(latencies, 99):.1f} max {max(latencies):.1f}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--burst", type=int, default=1000)
    p.add_argument("--rate", type=float, default=50.0)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--db", default=None, help="an empty PostgreSQL database's URL (default: SQLite)")
    p.add_argument("--short", action="store_true")
    args = p.parse_args()
    if args.short:
        args.burst, args.seconds = 100, 1.0
    print("load before:", uptime())
    folder = Path(tempfile.mkdtemp(prefix="bangban-booking-bench-"))
    proc, url, database, kiosk, supervisor = start_server(folder, args.db)
    try:
        import requests

        from kiosk.server.models import Matter

        with database.read() as db:
            first, second = db.query(Matter).order_by(Matter.id).limit(2).all()
        per_slot, half_hours = (2, 2) if args.short else (10, 16)
        slots = [f"{9 + h // 2:02d}:{30 * (h % 2):02d}" for h in range(half_hours + 1)]
        band(url, supervisor, first.queue_id, first.id, slots[0], slots.pop(), 30, per_slot)
        capacity = per_slot * len(slots)
        counts = burst(url, first.id, args.burst, slots, hall_today() + timedelta(days=1))
        print(f"burst: {args.burst} bookings at once for {capacity} places: {counts['made']} booked, "
              f"{counts['full']} refused as full, {counts['other']} other answers")
        expected = sum(min(per_slot, len(range(k, args.burst, len(slots)))) for k in range(len(slots)))
        assert counts["made"] == expected and counts["other"] == 0, f"{expected} places expected: overbooked or lost"

        band(url, supervisor, second.queue_id, second.id, "00:00", "23:59", 15, 1000)  # the most a band takes
        slot = requests.get(url + "/api/v1/public/halls/county/booking-slots",
                                          params={"matter_id": second.id, "days": 1}, timeout=10).json()["slots"][0]
        count = min(1000, max(1, int(args.rate * args.seconds)))
        latencies, made = steady(args.rate, count, lambda i: post(url, "/api/v1/public/halls/county/bookings", {
            "matter_id": second.id, "day": slot["day"], "start": slot["start"], "name": f"预约{i}",
            "phone": f"138{i:08d}"}))
        report(f"booking at {args.rate:g}/s", latencies, made, 201)
        codes = [body["code"] for s, body, _ in made if s == 201]
        latencies, checked = steady(args.rate, len(codes), lambda i: post(
            url, "/api/v1/bookings/check-in", {"code": codes[i]}, kiosk))
        report(f"check-in at {args.rate:g}/s", latencies, checked, 200)
    finally:
        proc.terminate()
        proc.wait(10)
        database.dispose()
    print("load after:", uptime())


if __name__ == "__main__":
    main()
