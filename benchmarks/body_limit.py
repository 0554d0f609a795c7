"""What one huge request body from a stranger costs the server: its memory (RSS) and how long
/healthz takes to answer meanwhile (issue 18, item 6).

    .venv/bin/python benchmarks/body_limit.py [--mb 300] [--short] [--code DIR ...]

Starts `bangban server` on SQLite, then sends POST /api/v1/tickets with no token and a body of
--mb megabytes (Content-Length declared, sent as fast as loopback takes it), while another
thread asks /healthz every 50 ms and reads the server's RSS from /proc. Prints, per server:
RSS before and at its peak, /healthz's median and slowest answer, the answer to the big
request, how long it took and how much of the body was sent before it came.

--code runs the server from other checkouts as well (each is put first on PYTHONPATH), e.g.
the code before the fix: `git archive HEAD | tar -x -C /tmp/before` and `--code /tmp/before $PWD`.
--short sends 30 MB instead.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import LiveServer  # noqa: E402  (the same server harness the tests use)

CHUNK = b" " * 2**20


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def send_big_body(port: int, megabytes: int) -> dict:
    """The request a stranger sends; returns the status, the seconds to it and the MB sent."""
    start, sent, status = time.perf_counter(), 0, None
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(f"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {megabytes * 2**20}\r\n\r\n".encode())
        s.setblocking(False)
        answer = b""
        while sent < megabytes * 2**20 and not answer:
            try:
                answer = s.recv(65536)
                if not answer:
                    break
            except BlockingIOError:
                pass
            try:
                sent += s.send(CHUNK)
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:  # the server closed the connection: its answer is waiting
                break
        s.setblocking(True)
        try:
            answer += s.recv(65536)
        except OSError:
            pass
        if answer:
            status = int(answer.split(b" ", 2)[1])
    return {"status": status, "seconds": time.perf_counter() - start, "sent_mb": sent / 2**20}


def measure(code: Path, megabytes: int) -> dict:
    os.environ["PYTHONPATH"] = str(code.resolve())
    os.chdir(code)  # `python -m` puts the working directory first on the path
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), None)
        server.start()
        try:
            for _ in range(20):  # warm: the first requests load what the rest reuse
                requests.get(server.url + "/healthz", timeout=5)
            before = rss_mb(server.proc.pid)
            peak, latencies, done = [before], [], threading.Event()

            def watch() -> None:
                with requests.Session() as http:
                    while not done.is_set():
                        t = time.perf_counter()
                        http.get(server.url + "/healthz", timeout=30)
                        latencies.append(time.perf_counter() - t)
                        peak.append(rss_mb(server.proc.pid))
                        time.sleep(0.05)

            watcher = threading.Thread(target=watch)
            watcher.start()
            time.sleep(0.3)
            result = send_big_body(server.port, megabytes)
            time.sleep(0.5)  # what the server does after answering counts too
            done.set()
            watcher.join()
            return {**result, "rss_before_mb": before, "rss_peak_mb": max(peak),
                    "healthz_median_ms": statistics.median(latencies) * 1000,
                    "healthz_max_ms": max(latencies) * 1000}
        finally:
            server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=300, help="the body's size in megabytes")
    parser.add_argument("--short", action="store_true", help="30 MB, for a quick check")
    parser.add_argument("--code", type=Path, nargs="+", default=[Path(__file__).resolve().parents[1]],
                        help="checkouts to run the server from, in turn")
    args = parser.parse_args()
    megabytes = 30 if args.short else args.mb
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; a {megabytes} MB body, no token")
    for code in args.code:
        r = measure(code, megabytes)
        print(f"{str(code):40} RSS {r['rss_before_mb']:6.0f} -> {r['rss_peak_mb']:6.0f} MB   "
              f"/healthz median {r['healthz_median_ms']:6.1f} ms, slowest {r['healthz_max_ms']:7.1f} ms   "
              f"answer {r['status']} after {r['seconds']:.2f} s, {r['sent_mb']:.0f} MB sent")


if __name__ == "__main__":
    main()
