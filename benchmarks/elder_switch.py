"""The kiosk's switch to elder mode, the first one and later ones: the longest frame of each.

Runs the real kiosk app under its own Xvfb at 1080x1600 against a real server, with spoken
prompts on and no player given, so the kiosk looks for a speaker on this machine as it does in a
hall (with no sound card every player tried fails, the slow case). The switch is the welcome
screen's own button, tapped with a real touch `--after` seconds after the catalogue has loaded
(0: at once, while the kiosk is still starting); every frame's length is recorded for 4 s after.
Then the same button is tapped again every 2 s (normal, elder, ...: the later switches). Each
frame's buffer swap is timed apart: under Xvfb the GL drawing is done in software (llvmpipe) and
a 1080x1600 swap alone takes tens of ms whatever changed; "our own work" is the rest of a frame
(layout, label textures, Python), the part the kiosk's code decides.

    .venv/bin/python benchmarks/elder_switch.py [--runs 3] [--after 5] [--switches 5]
    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/elder_switch.py  # compare a version
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))  # the code compared comes first, in this process and in each kiosk
from benchmarks.kiosk_flow import start_xvfb  # noqa: E402
from tests.conftest import LiveServer  # noqa: E402

WATCH_S = 4.0  # after the first switch: the kiosk may still be settling (speaker, catalogue)
LATER_WATCH_S = 2.0


def child(url: str, token: str, data: Path, after: float, switches: int) -> None:
    """One kiosk process: wait for the catalogue, tap the mode switch ``switches`` times (elder,
    normal, elder, ...), and report each switch's longest frame and how much of it was the
    screen's buffer swap (GL drawing, done in software on a machine without a GPU)."""
    from kiosk.ui.kiosk_app import KioskConfig, make_app

    app = make_app(KioskConfig(url, token, data, fullscreen=False, size=(1080, 1600), speech=True,
                               hall_name="示范县政务服务中心"))
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch

    frames: list[tuple[float, float]] = []  # (length, swap within it)
    results: list[dict] = []
    state: dict = {"swap": 0.0}
    flip = Window.flip

    def timed_flip(*args):
        started = time.perf_counter()
        flip(*args)
        state["swap"] += time.perf_counter() - started

    Window.flip = timed_flip

    def tap() -> None:
        state["tapped"] = time.perf_counter()
        frames.clear()
        button = app.screen("welcome").ids.elder
        x, y = button.to_window(*button.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()

    def report() -> None:
        length, swap = max(frames)
        results.append({"elder": app.elder, "frames": len(frames), "longest_ms": length * 1000,
                        "swap_ms": swap * 1000, "most_own_ms": max(f - s for f, s in frames) * 1000})

    def frame(_dt) -> None:
        now = time.perf_counter()
        if "last" in state:
            frames.append((now - state["last"], state["swap"]))
        state["last"], state["swap"] = now, 0.0
        if app.catalog and "loaded" not in state:
            state["loaded"] = now
        if "tapped" not in state:
            if "loaded" in state and now - state["loaded"] >= after:
                tap()
        elif now - state["tapped"] > (WATCH_S if len(results) == 0 else LATER_WATCH_S):
            report()
            if len(results) < switches:
                tap()
            else:
                print(json.dumps(results), flush=True)
                app._allow_close = True
                app.stop()

    Clock.schedule_interval(frame, 0)
    app.run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--after", type=float, default=5.0, help="seconds from the catalogue loaded to the tap")
    parser.add_argument("--switches", type=int, default=5, help="taps of the mode switch in each kiosk: "
                        "the first to elder mode, then back and forth")
    parser.add_argument("--child", nargs=3, metavar=("URL", "TOKEN", "DATA"))
    parser.add_argument("--short", action="store_true", help="one kiosk, tap after 1 s, two switches: shows it still runs")
    args = parser.parse_args()
    if args.short:
        args.runs, args.after, args.switches = 1, 1.0, 2
    if args.child:
        child(args.child[0], args.child[1], Path(args.child[2]), args.after, args.switches)
        return
    if shutil.which("Xvfb") is None:
        raise SystemExit("needs Xvfb (apt-get install xvfb)")
    results = []
    with tempfile.TemporaryDirectory(prefix="bangban-elder-bench-") as tmp:
        root = Path(tmp)
        xvfb, env = start_xvfb(root)
        env["PYTHONPATH"] = str(ROOT)
        server = LiveServer(root, None)
        server.start()
        try:
            token = server.device_token("kiosk")
            for run in range(args.runs):  # each a fresh process: the first switch is the slow one
                done = subprocess.run([sys.executable, __file__, "--child", server.url, token, str(root / f"k{run}"),
                                       "--after", str(args.after), "--switches", str(args.switches)],
                                      env=env, capture_output=True, text=True, timeout=120)
                lines = [line for line in done.stdout.splitlines() if line.startswith("[{")]
                if not lines:
                    raise SystemExit(done.stderr[-3000:])
                results.append(json.loads(lines[-1]))
        finally:
            server.close()
            xvfb.terminate()
    assert all(r[0]["elder"] and not r[1]["elder"] for r in results if len(r) > 1), results
    first = [r[0] for r in results]
    later = [s for r in results for s in r[1:]]
    print(f"code from {ROOT}")
    print(f"switch to elder mode, first tapped {args.after:g} s after the catalogue loaded; longest frame of each "
          f"switch ({args.runs} fresh kiosks)  [aim < 100 ms]")
    for name, switches in (("first switch", first), ("later switches", later)):
        if switches:
            longest = [s["longest_ms"] for s in switches]
            swaps = [s["swap_ms"] for s in switches]
            own = [s["most_own_ms"] for s in switches]
            print(f"  {name}: longest frame median {statistics.median(longest):.0f} ms, max {max(longest):.0f} ms "
                  f"(its buffer swap median {statistics.median(swaps):.0f} ms); most of our own work in one frame "
                  f"median {statistics.median(own):.0f} ms, max {max(own):.0f} ms")

if __name__ == "__main__":
    main()
