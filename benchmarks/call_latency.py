"""Call latency: from a helper pressing "call next" to the hall display drawing the number.

    .venv/bin/python benchmarks/call_latency.py [--calls 200] [--every 0] [--load] [--url URL --display-token T --kiosk-token T --window-token T]
    .venv/bin/python benchmarks/call_latency.py --short     # 5 calls under a light load: that it runs, not a figure

Without --url it starts its own server on SQLite with the demo hall in a temporary folder (with
--url, that server must let one kiosk issue --calls tickets at once: BANGBAN_KIOSK_TICKETS_PER_MINUTE).
Without a DISPLAY it starts Xvfb. The display runs in this process (the real HallDisplayApp
following the real event stream); a worker thread issues a ticket, calls the next one at window 1
and waits until a frame has been drawn with the called number on the screen
(the big number or window 1's row of recent calls: with other windows calling, a frame may show
another number big). Prints p50, p90, p95, p99 and max in milliseconds; the aim is p95 <= 300 ms.

--load plays a hall day against the same server meanwhile (benchmarks/hall_day.py's load: kiosks
issuing --issue-rate tickets a second, windows 2-20 calling and finishing, pads rating, --displays
other displays following the stream, in two processes of their own), as a busy hall's display
sees it.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import LiveServer, start_virtual_screen  # noqa: E402  (the harness the tests use)

ERR = sys.__stderr__  # Kivy takes sys.stderr into its log once imported


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def start_load(server: LiveServer, issue_rate: float, service_s: float, displays: int) -> list[mp.Process]:
    """hall_day's kiosks, windows 2-20 and pads in one process, its displays in another, until stopped."""
    from benchmarks.hall_day import WINDOWS, add_windows_and_helpers, display_process, helper_codes, load_process

    add_windows_and_helpers(server)
    numbers = range(2, WINDOWS + 1)  # window 1 is the one measured
    tokens = {"kiosks": [server.device_token("kiosk") for _ in range(10)],
              "sessions": {n: server.helper_session(n, code) for n, code in zip(numbers, helper_codes()[1:])},
              "pads": {n: server.device_token("pad", n) for n in numbers}}
    viewers = [server.device_token("display") for _ in range(displays)]
    start, forever = time.time(), time.time() + 24 * 3600
    processes = [mp.Process(target=display_process, args=(server.url, viewers, start, forever, mp.Queue()), daemon=True),
                 mp.Process(target=load_process, args=(server.url, tokens, start, start, forever, issue_rate, service_s,
                                                       mp.Queue()), daemon=True)]
    for process in processes:
        process.start()
    return processes


def measure(url: str, tokens: dict[str, str], calls: int, settle_s: float, every_s: float,
            folder: Path) -> dict[str, list[float]]:
    """Runs the real display app in this process until ``calls`` calls at window 1 were drawn."""
    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(folder, fullscreen=False, size=(1920, 1080))
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk.client import ApiClient
    from kiosk.ui.hall_display.app import HallDisplayApp

    app = HallDisplayApp(ApiClient(url, tokens["display"]), announcer=None)
    drawn = threading.Condition()
    # set: the drain that took the call has run (its frame shows it, unless calls at other windows
    # in the same drain pushed it off the screen at once)
    wanted: dict = {"number": None, "arrived": None, "set": False, "drawn": None}
    figures: dict[str, list[float]] = {"total": [], "request": [], "arrived": [], "drawn": []}
    receive = app.receive

    def timed_receive(event: dict) -> None:  # the follower's thread
        if event.get("type") == "ticket.called" and event.get("number") == wanted["number"] and not wanted["arrived"]:
            wanted["arrived"] = time.perf_counter()
        receive(event)

    app.receive = timed_receive  # the follower is made in on_start, after this

    def on_screen() -> bool:
        screen = app.screen
        texts = [screen.ids.latest_number.text] + [cell.text for cell in screen.ids.recent_rows.children]
        return wanted["number"] in texts

    drain = app.drain

    def timed_drain() -> None:  # the UI thread
        with app._inbox_lock:
            numbers = {e.get("number") for e in app._inbox if e.get("type") == "ticket.called"}
        drain()
        if wanted["number"] in numbers:
            wanted["set"] = True

    app.drain = timed_drain  # the trigger calling it is made in on_start, after this

    flip = Window.flip

    def timed_flip(*args) -> None:  # the frame's buffer swap: then it is on the screen
        flip(*args)
        if wanted["number"] and not wanted["drawn"] and (wanted["set"] or on_screen()):
            with drawn:
                wanted["drawn"] = time.perf_counter()
                drawn.notify_all()

    def caller() -> None:
        try:
            kiosk = ApiClient(url, tokens["kiosk"])
            queue_a = next(q["id"] for q in kiosk.catalog()["queues"] if q["prefix"] == "A")
            terminal = ApiClient(url, tokens["window"])
            helper = terminal.with_token(terminal.sign_in("1001", "246810", 1).token)
            while not (app.follower and app.follower.connected):
                time.sleep(0.05)
            time.sleep(settle_s)
            for _ in range(calls):
                time.sleep(every_s)
                with drawn:
                    wanted.update(number=None, arrived=None, set=False, drawn=None)
                kiosk.issue_ticket(queue_id=queue_a)  # one at a time: other windows serve queue A too
                started = time.perf_counter()
                ticket = helper.call_next(1)
                if ticket is None:  # another window took it first
                    continue
                figures["request"].append((time.perf_counter() - started) * 1000)
                with drawn:
                    wanted["number"] = ticket["number"]  # the event may already be in: on_flip checks the screen
                    shown = drawn.wait_for(lambda: wanted["drawn"], timeout=5)
                helper.no_show(ticket["id"])
                if not shown:
                    print(f"{ticket['number']} not shown within 5 s", file=ERR)
                    continue
                figures["total"].append((wanted["drawn"] - started) * 1000)
                if wanted["arrived"]:
                    figures["arrived"].append((wanted["arrived"] - started) * 1000)
                    figures["drawn"].append((wanted["drawn"] - wanted["arrived"]) * 1000)
        except Exception as exc:  # noqa: BLE001  (said where a person sees it, then the app stops)
            traceback.print_exc(file=ERR)
        finally:
            cpu, wall = figures["cpu"]
            figures["cpu"] = [(time.process_time() - cpu) / (time.perf_counter() - wall)]
            Clock.schedule_once(lambda _dt: app.stop())

    def begin(_dt) -> None:
        figures["cpu"] = [time.process_time(), time.perf_counter()]
        Window.flip = timed_flip
        threading.Thread(target=caller, daemon=True).start()

    Clock.schedule_once(begin, 0.5)
    app.run()
    return figures


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    return (f"{name} (ms): p50 {statistics.median(values):.1f}  p90 {percentile(values, 90):.1f}  "
            f"p95 {percentile(values, 95):.1f}  p99 {percentile(values, 99):.1f}  max {max(values):.1f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--every", type=float, default=0.0,
                   help="seconds between one call drawn and the next call (a hall's display is idle between "
                        "calls: its last call has stopped blinking after 2.4 s)")
    p.add_argument("--load", action="store_true", help="a hall day against the same server meanwhile")
    p.add_argument("--issue-rate", type=float, default=10, help="with --load: tickets a second from 10 kiosks")
    p.add_argument("--service-s", type=float, default=2.0,
                   help="with --load: mean seconds from a call to its finish at each of windows 2-20")
    p.add_argument("--displays", type=int, default=20, help="with --load: other displays following the stream")
    p.add_argument("--url")
    p.add_argument("--display-token")
    p.add_argument("--kiosk-token")
    p.add_argument("--window-token", help="a window terminal's device token for window 1")
    p.add_argument("--short", action="store_true", help="5 calls under a light load, to check that the benchmark runs")
    args = p.parse_args()
    if args.short:
        args.calls, args.load, args.issue_rate, args.displays = 5, True, 5, 2
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    folder = Path(tempfile.mkdtemp(prefix="bangban-latency-"))
    os.environ.setdefault("KIVY_HOME", str(folder / "kivy"))
    xvfb = None
    if not os.environ.get("DISPLAY"):
        xvfb, os.environ["DISPLAY"] = start_virtual_screen("1920x1080x24")
    server, load = None, []
    try:
        if args.url:
            url = args.url
            tokens = {"display": args.display_token, "kiosk": args.kiosk_token, "window": args.window_token}
        else:
            server = LiveServer(folder, None)
            server.start()
            url = server.url
            tokens = {kind: server.device_token(kind, 1 if kind == "window" else None)
                      for kind in ("display", "kiosk", "window")}
            if args.load:
                load = start_load(server, args.issue_rate, args.service_s, args.displays)
        figures = measure(url, tokens, args.calls, 3.0 if load else 0.5, args.every, folder)
    finally:
        for process in load:
            process.terminate()
        if server:
            server.close()
        if xvfb:
            xvfb.terminate()
    if not figures["total"]:
        sys.exit("no call was shown")
    loaded = (f"under load ({args.issue_rate:g} tickets/s, windows 2-20 each serving {args.service_s:g} s, "
                                      f"{args.displays} other displays)") \
        if load else "at rest"
    print(f"call -> display drawing it, {loaded}, {len(figures['total'])} calls"
          + (f", one every {args.every:g} s" if args.every else ", one after another"))
    print(summary("  call to drawn", figures["total"]) + "  (aim: p95 <= 300)")
    print(summary("  the call-next request itself", figures["request"]))
    print(summary("  call to the event reaching the display", figures["arrived"]))
    print(summary("  event reaching the display to drawn", figures["drawn"]))
    print(f"  the display process's CPU (its threads, and GL drawn in software under Xvfb): "
          f"{figures['cpu'][0]:.2f} of one core")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
