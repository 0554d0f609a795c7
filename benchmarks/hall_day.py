"""A busy hall against a real server on 127.0.0.1: kiosks issue, 20 windows call and finish,
pads rate, 50 displays follow the event stream. Prints throughput and latency figures.

    .venv/bin/python benchmarks/hall_day.py                      # SQLite in a temporary folder
    .venv/bin/python benchmarks/hall_day.py --db postgresql+psycopg://postgres@127.0.0.1/postgres
        (a fresh database is created beside the one named and dropped afterwards)

The load is open-loop at the rates given (defaults: about 200 requests per second in all).
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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


def display_process(url, tokens, stop_at, out_q):
    """The displays, as cheap as a client can be (one asyncio loop, raw sockets) so that
    on this 2-core machine the readers take as little CPU as possible from the server.
    The server streams every event to all of them; the first one is the probe that
    reads at once and measures lag on each chunk from its oldest event (a worst case),
    the others read in 50 ms gulps, as a display that redraws at 20 fps would."""
    host, port = url.split("//")[1].split(":")
    lags, counts = [], []

    async def follow(token, probe):
        got, tail = 0, b""
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET /api/v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                     f"Accept: text/event-stream\r\n\r\n".encode())
        await reader.readuntil(b"\r\n\r\n")
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
            if first:
                lags.append(now - datetime.fromisoformat(first.group(1)).timestamp())
        writer.close()
        counts.append(got)

    async def main():
        await asyncio.gather(*(follow(t, i == 0) for i, t in enumerate(tokens)), return_exceptions=True)

    asyncio.run(main())
    out_q.put((lags, counts))


def run(server: LiveServer, seconds: float, issue_rate: float, service_s: float, displays: int) -> dict:
    add_windows_and_helpers(server)
    kiosks = [server.device_token("kiosk") for _ in range(10)]
    sessions = {n: server.helper_session(n, code) for n, code in zip(range(1, WINDOWS + 1), helper_codes())}
    pads = {n: server.device_token("pad", n) for n in range(1, WINDOWS + 1)}
    display_tokens = [server.device_token("display") for _ in range(displays)]

    start = time.time() + 2
    stop_at = start + seconds
    out_q = mp.Queue()
    viewer = mp.Process(target=display_process, args=(server.url, display_tokens, stop_at + 1, out_q))
    viewer.start()
    time.sleep(max(0, start - time.time()))

    lat = {"issue": [], "call": [], "finish": [], "rate": []}
    issued = [0]
    failures = []

    def timed(kind, fn):
        t0 = time.perf_counter()
        r = fn()
        lat[kind].append(time.perf_counter() - t0)
        if r.status_code >= 400 and not (kind == "rate" and r.status_code == 409):
            failures.append((kind, r.status_code, r.text[:100]))
        return r

    def kiosk_loop(i):
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {kiosks[i]}"
        interval = len(kiosks) / issue_rate
        next_at = time.time() + random.random() * interval
        while next_at < stop_at:
            time.sleep(max(0, next_at - time.time()))
            body = {"queue_id": random.randint(1, 8), "service_type": "help"}
            r = timed("issue", lambda: s.post(server.url + "/api/v1/tickets", json=body,
                                              headers={"Idempotency-Key": uuid.uuid4().hex}))
            issued[0] += r.status_code == 201
            next_at += interval

    def window_loop(n):
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {sessions[n]}"
        pad = requests.Session()
        pad.headers["Authorization"] = f"Bearer {pads[n]}"
        seq = 0
        while time.time() < stop_at:
            r = timed("call", lambda: s.post(f"{server.url}/api/v1/windows/{n}/call-next"))
            if r.status_code != 200:
                time.sleep(0.1)
                continue
            time.sleep(random.expovariate(1 / service_s))
            tid = r.json()["id"]
            timed("finish", lambda: s.post(f"{server.url}/api/v1/tickets/{tid}/finish",
                                           json={"outcome": "done", "log": "基准测试"}))
            if random.random() < 0.35:
                seq += 1
                timed("rate", lambda: pad.post(f"{server.url}/api/v1/windows/{n}/ratings",
                                               json={"score": random.randint(1, 5), "pad_seq": seq}))

    threads = [threading.Thread(target=kiosk_loop, args=(i,)) for i in range(len(kiosks))]
    threads += [threading.Thread(target=window_loop, args=(n,)) for n in range(1, WINDOWS + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    lags, counts = out_q.get(timeout=60)
    viewer.join(10)
    requests_total = sum(len(v) for v in lat.values())
    ms = lambda v: round(v * 1000, 1)  # noqa: E731
    return {
        "database": server.kind, "server_processes": server.workers, "seconds": round(elapsed, 1),
        "requests_per_s": round(requests_total / elapsed, 1),
        "tickets_per_s": round(issued[0] / elapsed, 1),
        **{f"{k}_p50_ms": ms(pct(v, 50)) for k, v in lat.items()},
        **{f"{k}_p99_ms": ms(pct(v, 99)) for k, v in lat.items()},
        "event_lag_p50_ms": ms(pct(lags, 50)), "event_lag_p99_ms": ms(pct(lags, 99)),
        "displays": len(counts), "events_per_display_min": min(counts or [0]),
        "events_per_display_max": max(counts or [0]),
        "failures": len(failures), "first_failures": failures[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="PostgreSQL URL of an existing database to create a fresh one beside")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--issue-rate", type=float, default=60, help="tickets per second from all kiosks")
    parser.add_argument("--service-s", type=float, default=0.25, help="mean service time at a window")
    parser.add_argument("--displays", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL only)")
    args = parser.parse_args()
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.conftest import PostgresDatabase

            pg = PostgresDatabase()
        server = LiveServer(Path(tmp), pg.url if pg else None, workers=args.workers)
        try:
            server.start()
            figures = run(server, args.seconds, args.issue_rate, args.service_s, args.displays)
        finally:
            server.close()
            if pg:
                pg.drop()
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
