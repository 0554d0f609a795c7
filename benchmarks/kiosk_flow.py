"""The citizen kiosk's two waits a visitor feels: cold start to a usable welcome screen, and the
confirm tap to the receipt fully sent to the printer, without and with a captured page.

Runs the real kiosk app under its own Xvfb against a real server, the printer simulator on
127.0.0.1 and a folder of camera frames, driven by real touch events
(tests/ui/drivers/kiosk_driver.py).
 - cold start: from launching the process to the welcome screen drawn with the catalogue loaded
   (the buttons work from then on); each start a fresh process.
 - tap-to-print: from the confirm button's release to the printer's status reply to the query
   sent after the job, which it can only send once it has read every byte of the receipt.
   The server call (issue the ticket, with its idempotency key) is inside this time; so, for a
   visit with a page, is the page's JPEG encoding and upload, which run beside the print.

    .venv/bin/python benchmarks/kiosk_flow.py [--starts 3] [--tickets 10]
    .venv/bin/python benchmarks/kiosk_flow.py --short      # 1 start, 1 ticket each way: that it runs

Aims: cold start < 5 s; tap-to-print p95 <= 1 s with one captured page. The time from an empty
data folder to a usable kiosk in `bangban demo` is measured beside this, in demo_start.py.
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
from tests.conftest import LiveServer, start_virtual_screen  # noqa: E402  (the harness the tests use)
from tests.ui.kiosk_app.conftest import Kiosk  # noqa: E402

from devices.printer.simulator import PrinterSimulator  # noqa: E402

SHORT_VISIT = ["tap 帮办", "tap 民生事务", "tap 不清楚是哪个事项", "tap 都不是", "tap 跳过"]
LONG_VISIT = ["tap 帮办", "tap 企业开办", "tap 企业设立登记", "tap 打印材料清单", "tap 下一步", "tap 都不是",
              "tap 跳过"]  # the receipt also carries the matter's materials list
NO_PAGE = ["tap 跳过"]  # the capture step, passed over


def start_xvfb(home: Path) -> tuple[subprocess.Popen, dict]:
    proc, display = start_virtual_screen("1920x1920x24")
    env = {**os.environ, "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1",
           "KIVY_HOME": str(home / "kivy"), "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
           "SDL_AUDIODRIVER": "dummy"}
    return proc, env


def camera_frames(folder: Path) -> Path:
    """Photos of an A4 page on a desk, standing in for the document camera."""
    import cv2
    import numpy as np

    from kiosk.demo_camera.scenes import make_scene

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    for i in range(3):
        cv2.imwrite(str(folder / f"frame{i}.jpg"), make_scene(rng, (1280, 720), kind="a4_text", background="wood").image)
    return folder


def kiosk_args(server: LiveServer, token: str, printer: PrinterSimulator, data: Path, camera: Path) -> list[str]:
    return ["--url", server.url, "--token", token, "--data", str(data), "--printer-port", str(printer.port),
            "--camera", str(camera), "--size", "1080x1920"]


def cold_start(env: dict, args: list[str], folder: Path) -> float:
    launched = time.time()
    kiosk = Kiosk(env, folder, args)
    try:
        ready = kiosk.wait_for(lambda s: s["screen"] == "welcome" and s["catalog"], timeout=60, what="the welcome screen")
    finally:
        kiosk.stop()
    return ready["t"] - launched


def tap_to_print(env: dict, args: list[str], folder: Path, tickets: int) -> dict[str, list[tuple[float, float]]]:
    """Visits without a page and with one, alternating; the first of each is a warm-up (fonts,
    connections, the camera). Each: (tap to print, of which the print itself), in seconds."""
    kiosk = Kiosk(env, folder, args)
    kinds = ["no page", "one page"] * (tickets + 1)
    try:
        kiosk.wait_for(lambda s: s["catalog"], timeout=60, what="the catalogue")
        for i, kind in enumerate(kinds):
            visit = LONG_VISIT if i // 2 % 2 else SHORT_VISIT
            if kind == "one page":
                kiosk.do(*visit, "await camera", "tap 拍照")
                kiosk.wait_for(lambda s: s["pages"] == 1, timeout=30, what="the page taken")
                kiosk.do("tap 拍完了", "tap 确认取号")
            else:
                kiosk.do(*visit, *NO_PAGE, "tap 确认取号")
            kiosk.wait_for(lambda s, n=i + 1: len(s["prints"]) == n, timeout=30, what=f"receipt {i + 1}")
            kiosk.do("tap 完成")
        prints = kiosk.state["prints"]
    finally:
        kiosk.stop()
    assert all(p["ok"] for p in prints), prints
    measured = list(zip(prints, kinds))[2:]
    return {kind: [(p["tap_to_print_s"], p["print_s"]) for p, k in measured if k == kind] for kind in kinds[:2]}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=10, help="each way: without a page, and with one")
    parser.add_argument("--short", action="store_true", help="1 start, 1 ticket each way, to check that it runs")
    args = parser.parse_args()
    if args.short:
        args.starts, args.tickets = 1, 1
    if shutil.which("Xvfb") is None:
        raise SystemExit("needs Xvfb (apt-get install xvfb)")
    with tempfile.TemporaryDirectory(prefix="bangban-kiosk-bench-") as tmp:
        root = Path(tmp)
        xvfb, env = start_xvfb(root)
        server = LiveServer(root, None)
        server.start()
        try:
            with PrinterSimulator(port=0, out_dir=root / "receipts") as printer:  # rendering each receipt, as in the demo
                common = kiosk_args(server, server.device_token("kiosk"), printer, root / "kiosk-data",
                                    camera_frames(root / "camera"))
                starts = [cold_start(env, common, root / f"start-{i}") for i in range(args.starts)]
                taps = tap_to_print(env, common, root / "flows", args.tickets)
        finally:
            server.close()
            xvfb.terminate()
    print(f"cold start to usable welcome screen ({args.starts} fresh processes): "
          f"median {statistics.median(starts):.2f} s, max {max(starts):.2f} s  [aim < 5 s]")
    for kind, seconds in taps.items():
        ms = [tap * 1000 for tap, _ in seconds]
        printing = [print_s * 1000 for _, print_s in seconds]
        print(f"confirm tap to receipt fully sent, {kind} ({len(ms)} tickets, server + printer): "
              f"median {statistics.median(ms):.0f} ms, p95 {p95(ms):.0f} ms, max {max(ms):.0f} ms  [aim p95 <= 1000 ms]"
              f"\n    of which the print (receipt bytes to the printer's reply): median {statistics.median(printing):.0f} ms,"
              f" p95 {p95(printing):.0f} ms")


if __name__ == "__main__":
    main()
