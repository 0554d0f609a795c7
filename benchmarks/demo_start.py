"""`bangban demo` from an empty data folder to a usable kiosk, and again with the folder it left.

    .venv/bin/python benchmarks/demo_start.py [--runs 2]
    .venv/bin/python benchmarks/demo_start.py --short      # one run of each: that it runs

Starts the demo on its own Xvfb screen (1920x1080) and times from launching the command to the
kiosk's first read of the catalogue (the server counts it: from then on the welcome screen's
buttons work). Then types q, as a person would. Prints each start and, from the demo's log, when
each of its steps finished, so that a slow start says where its seconds went. Aim: < 10 s from an
empty folder.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from kiosk.commands.demo import LOG_NAME, catalogue_reads  # noqa: E402
from tests.conftest import free_port, x_display  # noqa: E402  (the tests' port and private Xvfb screen)

SCREEN = "1920x1080x24"


def one_start(data: Path, display: str) -> tuple[float, list[str]]:
    """Seconds to a usable kiosk, and the demo's own timing lines."""
    port = free_port()
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(REPO)}
    launched = time.monotonic()
    demo = subprocess.Popen([sys.executable, "-m", "kiosk.commands.cli", "demo", "--data", str(data), "--port", str(port)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        while not catalogue_reads(f"http://127.0.0.1:{port}"):
            if demo.poll() is not None or time.monotonic() - launched > 120:
                raise SystemExit(f"the demo gave no usable kiosk:\n{demo.stdout.read()}")
            time.sleep(0.05)
        usable = time.monotonic() - launched
        time.sleep(2)  # the rest (window terminal, display, pads) comes up before it is told to stop
        demo.communicate("q\n", timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
    steps = [line.split(" INFO ", 1)[1] for line in (data / LOG_NAME).read_text().splitlines()
             if "bangban.demo INFO" in line and re.search(r"\d s  ", line)]
    return usable, steps[-12:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="starts from an empty folder (each followed by one with data)")
    parser.add_argument("--short", action="store_true", help="one run, to check that the benchmark runs")
    args = parser.parse_args()
    if args.short:
        args.runs = 1
    empty, kept = [], []
    with tempfile.TemporaryDirectory(prefix="bangban-demo-xvfb-") as home, x_display(Path(home), SCREEN) as env:
        display = env["DISPLAY"]
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="bangban-demo-start-") as tmp:
                data = Path(tmp) / "data"
                seconds, steps = one_start(data, display)
                empty.append(seconds)
                print(f"run {run + 1}, empty data folder: usable kiosk after {seconds:.1f} s")
                for step in steps:
                    print(f"    {step}")
                seconds, _ = one_start(data, display)
                kept.append(seconds)
                print(f"run {run + 1}, with its data: usable kiosk after {seconds:.1f} s")
    print(f"empty data folder to usable kiosk: median {statistics.median(empty):.1f} s, max {max(empty):.1f} s  "
          f"[aim < 10 s]; with data: median {statistics.median(kept):.1f} s")


if __name__ == "__main__":
    main()
