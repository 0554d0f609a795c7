"""Call latency: from a helper pressing "call next" to the hall display's number label showing it.

    .venv/bin/python benchmarks/call_latency.py [--calls 200] [--url URL --display-token T --kiosk-token T --window-token T]
    .venv/bin/python benchmarks/call_latency.py --short     # 5 calls: that it runs, not a figure

Without --url it starts its own server on SQLite with the demo hall in a temporary folder.
Without a DISPLAY it starts Xvfb. The display runs in this process (the real HallDisplayApp
following the real event stream); a worker thread issues tickets, then calls them one at a
time at window 1 and waits for the display's number label to change to the called number.
Prints p50, p90, p95, p99 and max in milliseconds; the aim is p95 <= 300 ms.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import free_port, start_virtual_screen  # noqa: E402  (the harness the tests use)


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("no DISPLAY and no Xvfb: install xvfb or run under a desktop")
    proc, display = start_virtual_screen("1920x1080x24")
    os.environ["DISPLAY"] = display
    return proc


def start_server(folder: Path) -> tuple[subprocess.Popen, str, dict[str, str]]:
    """A server with the demo hall; tokens for a display, a kiosk and window 1's terminal."""
    import requests

    from kiosk.server.admin import add_device, seed_demo
    from kiosk.server.db import Database, migrate

    url_db = f"sqlite:///{folder / 'bangban.sqlite3'}"
    migrate(url_db)
    database = Database(url_db)
    seed_demo(database)
    tokens = {kind: add_device(database, kind, f"bench-{kind}", 1 if kind == "window" else None)
              for kind in ("display", "kiosk", "window")}
    database.dispose()
    port = free_port()
    log = open(folder / "server.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "server", "--data", str(folder), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=str(REPO))
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url, tokens
        except requests.RequestException:
            time.sleep(0.1)
    sys.exit("server did not start; see " + str(folder / "server.log"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--url")
    p.add_argument("--display-token")
    p.add_argument("--kiosk-token")
    p.add_argument("--window-token", help="a window terminal's device token for window 1")
    p.add_argument("--short", action="store_true", help="5 calls, to check that the benchmark runs")
    args = p.parse_args()
    if args.short:
        args.calls = 5
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    folder = Path(tempfile.mkdtemp(prefix="bangban-latency-"))
    os.environ.setdefault("KIVY_HOME", str(folder / "kivy"))
    xvfb = start_xvfb()
    server = None
    if args.url:
        url = args.url
        tokens = {"display": args.display_token, "kiosk": args.kiosk_token, "window": args.window_token}
    else:
        server, url, tokens = start_server(folder)

    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(folder, fullscreen=False, size=(1920, 1080))
    from kivy.clock import Clock

    from kiosk.client import ApiClient
    from kiosk.ui.hall_display.app import HallDisplayApp

    app = HallDisplayApp(ApiClient(url, tokens["display"]), announcer=None)
    shown = threading.Condition()
    shown_at: dict[str, float] = {}
    latencies: list[float] = []
    request_ms: list[float] = []  # the call-next request alone, to tell server time from display time
    arrived_at: dict[str, float] = {}  # when the call's event reached the display's follower thread
    receive = app.receive

    def timed_receive(event: dict) -> None:
        if event.get("type") == "ticket.called":
            arrived_at.setdefault(event.get("number"), time.perf_counter())
        receive(event)

    app.receive = timed_receive  # the follower is made in on_start, after this

    def on_label(_label, text: str) -> None:
        with shown:
            shown_at[text] = time.perf_counter()
            shown.notify_all()

    def caller() -> None:
        try:
            kiosk = ApiClient(url, tokens["kiosk"])
            queue_a = next(q["id"] for q in kiosk.catalog()["queues"] if q["prefix"] == "A")
            for _ in range(args.calls):
                kiosk.issue_ticket(queue_id=queue_a)
            terminal = ApiClient(url, tokens["window"])
            helper = terminal.with_token(terminal.sign_in("1001", "246810", 1).token)
            while not (app.follower and app.follower.connected):
                time.sleep(0.05)
            time.sleep(0.5)
            for _ in range(args.calls):
                started = time.perf_counter()
                ticket = helper.call_next(1)
                request_ms.append((time.perf_counter() - started) * 1000)
                with shown:
                    if not shown.wait_for(lambda: ticket["number"] in shown_at, timeout=5):
                        print(f"{ticket['number']} not shown within 5 s", file=sys.stderr)
                        continue
                latencies.append((shown_at[ticket["number"]] - started) * 1000)
                helper.no_show(ticket["id"])
        finally:
            Clock.schedule_once(lambda _dt: app.stop())

    def begin(_dt) -> None:
        app.screen.ids.latest_number.bind(text=on_label)
        threading.Thread(target=caller, daemon=True).start()

    Clock.schedule_once(begin, 0.5)
    app.run()
    if server:
        server.terminate()
        server.wait(10)
    if xvfb:
        xvfb.terminate()
    if not latencies:
        sys.exit("no call was shown")
    print(f"call -> display latency over {len(latencies)} calls (ms): "
          f"p50 {statistics.median(latencies):.1f}  p90 {percentile(latencies, 90):.1f}  "
          f"p95 {percentile(latencies, 95):.1f}  p99 {percentile(latencies, 99):.1f}  max {max(latencies):.1f}  "
          f"(aim: p95 <= 300)")
    print(f"of which the call-next request itself (ms): p50 {statistics.median(request_ms):.1f}  "
          f"p99 {percentile(request_ms, 99):.1f}")
    drawn = [(shown_at[n] - arrived_at[n]) * 1000 for n in shown_at if n in arrived_at]
    if drawn:
        print(f"and from the event reaching the display to its label showing the number (ms): "
              f"p50 {statistics.median(drawn):.1f}  p95 {percentile(drawn, 95):.1f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
