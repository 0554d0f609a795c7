"""What one request costs the server, in instructions: a figure that does not move when other
work shares the machine, as the milliseconds of hall_day.py do.

    .venv/bin/python benchmarks/request_cost.py [--cycles 60] [--displays 0] [--db postgresql+psycopg://...]
    .venv/bin/python benchmarks/request_cost.py --short     # 2 cycles: that it runs, not a figure

Runs `bangban server` under valgrind's callgrind (about 50 times slower: allow a few minutes),
warms it with 20 visits, zeroes the counts, then times --cycles visits one after another, each
an issue, a call-next, a finish and a rating at window 1, with --displays event streams open.
Prints the server's user-space instructions per request (the kernel's share is not counted).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import SERVER_ENV, LiveServer, PostgresDatabase  # noqa: E402


class CallgrindServer(LiveServer):
    def start(self) -> None:
        self.profile = self.data_dir / "callgrind.out"
        log = open(self.data_dir / "server.log", "ab")
        # not instrumented while it starts and warms up (imports are most of a start): several times faster
        self.proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                                      f"--callgrind-out-file={self.profile}", *self._args()],
                                     stdout=log, stderr=subprocess.STDOUT,
                                     env={**SERVER_ENV, **os.environ, **self.env})  # no kiosk ticket limit
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError("the server did not start under valgrind in 15 minutes")

    def instructions(self) -> int:
        """Dumps the counts since the last zeroing and returns their total."""
        subprocess.run(["callgrind_control", "-d", str(self.proc.pid)], capture_output=True, check=True)
        time.sleep(2)
        totals = [int(line.split()[1]) for dump in self.data_dir.glob("callgrind.out.*")
                  for line in dump.read_text(errors="replace").splitlines() if line.startswith("summary:")]
        return max(totals)


def visit(server: LiveServer, kiosk, helper, pad, seq: int) -> None:
    kiosk.post(server.url + "/api/v1/tickets", json={"queue_id": 1, "service_type": "help"},
               headers={"Idempotency-Key": uuid.uuid4().hex}).raise_for_status()
    called = helper.post(server.url + "/api/v1/windows/1/call-next")
    called.raise_for_status()
    helper.post(f"{server.url}/api/v1/tickets/{called.json()['id']}/finish",
                json={"outcome": "done", "log": "基准"}).raise_for_status()
    pad.post(f"{server.url}/api/v1/windows/1/ratings", json={"score": 5, "pad_seq": seq}).raise_for_status()


def follow(server: LiveServer, token: str, stop: threading.Event) -> None:
    try:
        with requests.get(server.url + "/api/v1/events", headers={"Authorization": f"Bearer {token}"},
                          stream=True, timeout=900) as stream:
            for _ in stream.iter_content(65536):
                if stop.is_set():
                    return
    except requests.RequestException:
        pass  # the server went away at the end


def session(token: str) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=60)
    parser.add_argument("--displays", type=int, default=0)
    parser.add_argument("--db", help="PostgreSQL URL of an existing database to create a fresh one beside")
    parser.add_argument("--short", action="store_true", help="2 visits measured, to check that the benchmark runs")
    args = parser.parse_args()
    warm_visits = 2 if args.short else 20
    if args.short:
        args.cycles = 2
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    pg = PostgresDatabase() if args.db else None
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        server = CallgrindServer(Path(tmp), pg.url if pg else None)
        try:
            server.start()
            kiosk, pad = session(server.device_token("kiosk")), session(server.device_token("pad", 1))
            helper = session(server.helper_session(1, "1001"))
            for _ in range(args.displays):
                threading.Thread(target=follow, args=(server, server.device_token("display"), stop),
                                 daemon=True).start()
            for seq in range(1, warm_visits + 1):
                visit(server, kiosk, helper, pad, seq)
            time.sleep(3)
            subprocess.run(["callgrind_control", "-i", "on", str(server.proc.pid)], capture_output=True, check=True)
            subprocess.run(["callgrind_control", "-z", str(server.proc.pid)], capture_output=True, check=True)
            for s in (kiosk, pad, helper):  # switching may outlast the server's keep-alive: no stale connection
                s.close()
            for seq in range(warm_visits + 1, warm_visits + 1 + args.cycles):
                visit(server, kiosk, helper, pad, seq)
            time.sleep(2)  # the streams' last sends
            total = server.instructions()
        finally:
            stop.set()
            server.kill()
            server.database.dispose()
            if pg:
                pg.drop()
    print(f"database                  {'postgres' if pg else 'sqlite'}")
    print(f"displays                  {args.displays}")
    print(f"requests                  {4 * args.cycles}")
    print(f"instructions_per_request  {total / (4 * args.cycles) / 1e6:.2f} M")


if __name__ == "__main__":
    main()
