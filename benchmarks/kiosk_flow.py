"""The citizen kiosk's two waits a visitor feels: cold start to a usable welcome screen, and the
confirm tap to the receipt fully sent to the printer.

Runs the real kiosk app under its own Xvfb against a real server and the printer simulator on
127.0.0.1, driven by real touch events (tests/kiosk_ui/drivers/kiosk_driver.py).
 - cold start: from launching the process to the welcome screen drawn with the catalogue loaded
   (the buttons work from then on); each start a fresh process.
 - tap-to-print: from the confirm button's release to the printer's status reply to the query
   sent after the job, which it can only send once it has read every byte of the receipt.
   The server call (issue the ticket, with its idempotency key) is inside this time.

    .venv/bin/python benchmarks/kiosk_flow.py [--starts 3] [--tickets 10]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import LiveServer  # noqa: E402  (the server harness the tests use)
from tests.kiosk_ui.conftest import Kiosk  # noqa: E402

from devices.printer.simulator import PrinterSimulator  # noqa: E402

SHORT_VISIT = ["tap 帮办", "tap 民生事务", "tap 不清楚是哪个事项", "tap 都不是", "tap 跳过"]
LONG_VISIT = ["tap 帮办", "tap 企业开办", "tap 企业设立登记", "tap 打印材料清单", "tap 下一步", "tap 都不是",
              "tap 跳过"]  # the receipt also carries the matter's materials list


def start_xvfb(home: Path) -> tuple[subprocess.Popen, dict]:
    display = f":{900 + os.getpid() % 90}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"Xvfb could not start on {display}")
        time.sleep(0.05)
    env = {**os.environ, "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1",
           "KIVY_HOME": str(home / "kivy"), "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
           "SDL_AUDIODRIVER": "dummy"}
    return proc, env


def kiosk_args(server: LiveServer, token: str, printer: PrinterSimulator, data: Path) -> list[str]:
    return ["--url", server.url, "--token", token, "--data", str(data), "--printer-port", str(printer.port),
            "--size", "1080x1920"]


def cold_start(env: dict, args: list[str], folder: Path) -> float:
    launched = time.time()
    kiosk = Kiosk(env, folder, args)
    try:
        ready = kiosk.wait_for(lambda s: s["screen"] == "welcome" and s["catalog"], timeout=60, what="the welcome screen")
    finally:
        kiosk.stop()
    return ready["t"] - launched


def tap_to_print(env: dict, args: list[str], folder: Path, tickets: int) -> list[float]:
    kiosk = Kiosk(env, folder, args)
    try:
        kiosk.wait_for(lambda s: s["catalog"], timeout=60, what="the catalogue")
        for i in range(tickets + 1):  # the first is a warm-up (fonts, connections)
            kiosk.do(*(LONG_VISIT if i % 2 else SHORT_VISIT), "tap 确认取号")
            kiosk.wait_for(lambda s, n=i + 1: len(s["prints"]) == n, timeout=30, what=f"receipt {i + 1}")
            kiosk.do("tap 完成")
        prints = kiosk.state["prints"]
    finally:
        kiosk.stop()
    assert all(p["ok"] for p in prints), prints
    return [p["tap_to_print_s"] for p in prints[1:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("Xvfb") is None:
        raise SystemExit("needs Xvfb (apt-get install xvfb)")
    with tempfile.TemporaryDirectory(prefix="bangban-kiosk-bench-") as tmp:
        root = Path(tmp)
        xvfb, env = start_xvfb(root)
        server = LiveServer(root, None)
        server.start()
        try:
            with PrinterSimulator(port=0, render=False) as printer:
                common = kiosk_args(server, server.device_token("kiosk"), printer, root / "kiosk-data")
                starts = [cold_start(env, common, root / f"start-{i}") for i in range(args.starts)]
                taps = tap_to_print(env, common, root / "flows", args.tickets)
        finally:
            server.close()
            xvfb.terminate()
    print(f"cold start to usable welcome screen ({args.starts} fresh processes): "
          f"median {statistics.median(starts):.2f} s, max {max(starts):.2f} s  [aim < 5 s]")
    ms = sorted(t * 1000 for t in taps)
    print(f"confirm tap to receipt fully sent ({len(ms)} tickets, server + printer): "
          f"median {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms  [aim < 1000 ms]")


if __name__ == "__main__":
    main()
