"""A busy hall against a real server on 127.0.0.1: kiosks issue, 20 windows call and finish,
pads rate, 50 displays follow the event stream. Prints throughput and latency figures.

    .venv/bin/python benchmarks/hall_day.py                      # SQLite in a temporary folder
    .venv/bin/python benchmarks/hall_day.py --db postgresql+psycopg://postgres@127.0.0.1/postgres
        (a fresh database is created beside the one named and dropped afterwards)
    .venv/bin/python benchmarks/hall_day.py --short              # 2 s, 2 displays: that it runs, not a figure

The load is open-loop at the rates given (defaults: about 200 requests per second in all).
Kiosks, windows and pads run in one process on asyncio with a bare HTTP client
(benchmarks/raw_http.py), the displays in another, so that on a 2-core machine the load takes
little of the CPU the server needs and its latencies are the server's, not a client's waiting
for its own GIL. Besides the latencies it prints the server's CPU time per request, which
holds up better than latency when other work shares the machine.

The first --warmup seconds (default 5) of load are not in the figures: a server just started
opens its database connections and prepares its statements then, which a hall's server, up
all day, does once. warmup_max_ms shows what the first requests cost; failures count from
the start.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import re
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.raw_http import Connection, open_stream  # noqa: E402
from tests.conftest import LiveServer  # noqa: E402  (the same server harness the tests use)

WINDOWS = 20
AT = re.compile(r'"at": "([^"]+)"')


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def add_windows_and_helpers(server: LiveServer) -> None:
    """The demo hall has 8 windows and 10 helpers; a busy day needs 20 of each."""
    from sqlalchemy import select

    from kiosk.server.admin import add_helper
    from kiosk.server.models import Hall, Queue, Window, WindowQueue

    with server.database.write() as db:
        hall = db.scalar(select(Hall).where(Hall.code == "county"))
        queues = db.scalars(select(Queue).where(Queue.hall_id == hall.id).order_by(Queue.id)).all()
        for number in range(9, WINDOWS + 1):
            window = Window(hall_id=hall.id, number=number, name=f"{number}号窗口")
            db.add(window)
            db.flush()
            for q in (queues[number % len(queues)], queues[(number + 3) % len(queues)]):
                db.add(WindowQueue(window_id=window.id, queue_id=q.id))
    for n in range(11, WINDOWS + 1):
        add_helper(server.database, f"20{n:02d}", f"帮办员{n}", "246810")


def helper_codes():
    return [f"10{n:02d}" for n in range(1, 11)] + [f"20{n:02d}" for n in range(11, WINDOWS + 1)]


def display_process(url, tokens, measure_from, stop_at, out_q):
    """The displays, one asyncio loop for all. The server streams every event to all of them;
    the first one is the probe that reads at once and measures lag on each chunk from its
    oldest event (a worst case), the others read in 50 ms gulps, as a display that redraws
    at 20 fps would."""
    host, port = url.split("//")[1].split(":")
    lags, counts = [], []

    async def follow(token, probe):
        got, tail = 0, b""
        reader, writer = await open_stream(host, int(port), token)
        while time.time() < stop_at:
            try:
                chunk = await asyncio.wait_for(reader.read(262144), timeout=max(0.1, stop_at - time.time()))
            except asyncio.TimeoutError:
                break
            if not chunk:
                break
            now = time.time()
            both = tail + chunk
            got += both.count(b"\nevent: ") - tail.count(b"\nevent: ")
            tail = both[-16:]
            if not probe:
                await asyncio.sleep(0.05)
                continue
            first = AT.search(chunk.decode("utf-8", "replace"))
            if first and now >= measure_from:
                lags.append(now - datetime.fromisoformat(first.group(1)).timestamp())
        writer.close()
        counts.append(got)

    async def main():
        await asyncio.gather(*(follow(t, i == 0) for i, t in enumerate(tokens)), return_exceptions=True)

    asyncio.run(main())
    out_q.put((lags, counts))


def load_process(url, tokens, start, measure_from, stop_at, issue_rate, service_s, out_q):
    """Kiosks issuing open-loop at ``issue_rate``, windows calling and finishing, pads rating:
    one connection each, all on one asyncio loop in a process of their own. Latencies of requests
    sent before ``measure_from`` go to ``warm`` instead (failures count from the start)."""
    host, port = url.split("//")[1].split(":")
    lat = {"issue": [], "call": [], "finish": [], "rate": []}
    warm = []
    issued, failures = [0], []

    async def timed(kind, conn, method, path, body=None, headers=None):
        sent, t0 = time.time(), time.perf_counter()
        status, data = await conn.request(method, path, body, headers)
        (lat[kind] if sent >= measure_from else warm).append(time.perf_counter() - t0)
        if status >= 400 and not (kind == "rate" and status == 409):
            failures.append((kind, status, data[:100]))
        return status, data

    async def kiosk(token):
        conn = Connection(host, int(port), token)
        interval = len(tokens["kiosks"]) / issue_rate
        next_at = start + random.random() * interval
        while next_at < stop_at:
            await asyncio.sleep(max(0, next_at - time.time()))
            status, _ = await timed("issue", conn, "POST", "/api/v1/tickets",
                                    {"queue_id": random.randint(1, 8), "service_type": "help"},
                                    {"Idempotency-Key": uuid.uuid4().hex})
            issued[0] += status == 201 and next_at >= measure_from
            next_at += interval

    async def window(n, session, pad_token):
        helper, pad = Connection(host, int(port), session), Connection(host, int(port), pad_token)
        await asyncio.sleep(max(0, start - time.time()))
        seq = 0
        while time.time() < stop_at:
            status, data = await timed("call", helper, "POST", f"/api/v1/windows/{n}/call-next")
            if status != 200:
                await asyncio.sleep(0.1)
                continue
            await asyncio.sleep(random.expovariate(1 / service_s))
            tid = json.loads(data)["id"]
            await timed("finish", helper, "POST", f"/api/v1/tickets/{tid}/finish",
                        {"outcome": "done", "log": "基准测试"})
            if random.random() < 0.35:
                seq += 1
                await timed("rate", pad, "POST", f"/api/v1/windows/{n}/ratings",
                            {"score": random.randint(1, 5), "pad_seq": seq})

    async def main():
        await asyncio.gather(*(kiosk(t) for t in tokens["kiosks"]),
                             *(window(n, s, tokens["pads"][n]) for n, s in tokens["sessions"].items()))

    cpu = time.process_time()
    asyncio.run(main())
    out_q.put((lat, warm, issued[0], failures, time.process_time() - cpu))


def _processes() -> tuple[dict, dict, dict]:
    """Each live process's parent, user and system CPU seconds, and name."""
    tick = os.sysconf("SC_CLK_TCK")
    parents, cpu, names = {}, {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, fields = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = fields.split()
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        names[int(entry.name)] = name.split("(", 1)[1]
    return parents, cpu, names


def postgres_cpu_s() -> float:
    """CPU seconds of the local PostgreSQL server's live processes (its backends share the
    machine with the server under test)."""
    _, cpu, names = _processes()
    return sum(cpu[p] for p, name in names.items() if name.startswith("postgres"))


def process_tree_cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process and its live descendants (uvicorn's workers)."""
    parents, cpu, _ = _processes()
    tree, frontier = {pid}, [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier and child not in tree]
        tree.update(frontier)
    return sum(cpu.get(p, 0.0) for p in tree)


def run(server: LiveServer, seconds: float, warmup: float, issue_rate: float, service_s: float,
        displays: int) -> dict:
    add_windows_and_helpers(server)
    tokens = {
        "kiosks": [server.device_token("kiosk") for _ in range(10)],
        "sessions": {n: server.helper_session(n, code) for n, code in zip(range(1, WINDOWS + 1), helper_codes())},
        "pads": {n: server.device_token("pad", n) for n in range(1, WINDOWS + 1)},
    }
    display_tokens = [server.device_token("display") for _ in range(displays)]

    start = time.time() + 2
    measure_from = start + warmup
    stop_at = measure_from + seconds
    display_q, load_q = mp.Queue(), mp.Queue()
    viewer = mp.Process(target=display_process,
                        args=(server.url, display_tokens, measure_from, stop_at + 1, display_q))
    load = mp.Process(target=load_process,
                      args=(server.url, tokens, start, measure_from, stop_at, issue_rate, service_s, load_q))
    viewer.start()
    load.start()
    time.sleep(max(0, measure_from - time.time()))
    server_cpu, database_cpu = process_tree_cpu_s(server.proc.pid), postgres_cpu_s()
    lat, warm, issued, failures, load_cpu = load_q.get(timeout=warmup + seconds + 120)
    elapsed = time.time() - measure_from
    server_cpu = process_tree_cpu_s(server.proc.pid) - server_cpu
    database_cpu = postgres_cpu_s() - database_cpu  # backends that ended meanwhile are not counted
    lags, counts = display_q.get(timeout=60)
    load.join(10)
    viewer.join(10)
    requests_total = sum(len(v) for v in lat.values())
    ms = lambda v: round(v * 1000, 1)  # noqa: E731
    return {
        "database": server.kind, "server_processes": server.workers, "warmup_s": warmup,
        "warmup_max_ms": ms(max(warm, default=float("nan"))), "seconds": round(elapsed, 1),
        "requests_per_s": round(requests_total / elapsed, 1),
        "tickets_per_s": round(issued / elapsed, 1),
        **{f"{k}_p50_ms": ms(pct(v, 50)) for k, v in lat.items()},
        **{f"{k}_p99_ms": ms(pct(v, 99)) for k, v in lat.items()},
        "event_lag_p50_ms": ms(pct(lags, 50)), "event_lag_p99_ms": ms(pct(lags, 99)),
        "displays": len(counts), "events_per_display_min": min(counts or [0]),
        "events_per_display_max": max(counts or [0]),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(requests_total, 1), 2),
        "server_cpu_share_of_one_core": round(server_cpu / elapsed, 2),
        **({"postgres_cpu_ms_per_request": round(database_cpu * 1000 / max(requests_total, 1), 2),
            "postgres_cpu_share_of_one_core": round(database_cpu / elapsed, 2)} if server.db_url else {}),
        "load_generator_cpu_share": round(load_cpu / elapsed, 2),
        "failures": len(failures), "first_failures": failures[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="PostgreSQL URL of an existing database to create a fresh one beside")
    parser.add_argument("--seconds", type=float, default=30, help="measured, after the warm-up")
    parser.add_argument("--warmup", type=float, default=5,
                        help="seconds of load first, not in the figures (but for warmup_max_ms and failures)")
    parser.add_argument("--issue-rate", type=float, default=60, help="tickets per second from all kiosks")
    parser.add_argument("--service-s", type=float, default=0.25, help="mean service time at a window")
    parser.add_argument("--displays", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL only)")
    parser.add_argument("--short", action="store_true", help="2 s at a low rate, to check that the benchmark runs")
    args = parser.parse_args()
    if args.short:
        args.seconds, args.warmup, args.issue_rate, args.displays = 2, 1, 5, 2
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.conftest import PostgresDatabase

            pg = PostgresDatabase()
        server = LiveServer(Path(tmp), pg.url if pg else None, workers=args.workers)
        try:
            server.start()
            figures = run(server, args.seconds, args.warmup, args.issue_rate, args.service_s, args.displays)
        finally:
            server.close()
            if pg:
                pg.drop()
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
