"""How fast a call becomes sound: cold and cached rendering, announce() latency.

    .venv/bin/python benchmarks/speech_call.py [--calls N] [--short]

--short says 3 calls: it only shows the benchmark still runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from devices.speech.announcer import Announcer
from devices.speech.engine import make_engine
from devices.speech.pcm import read_wav
from devices.speech.players import WavFilePlayer
from devices.speech.settings import SpeechSettings


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _render_times(settings: SpeechSettings, calls: list[tuple[str, int]]) -> list[float]:
    engine = make_engine(settings)
    times = []
    for number, window in calls:
        started = time.perf_counter()
        engine.render_number(number, window)
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="语音叫号性能测试")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--short", action="store_true", help="3 calls: only shows it still runs")
    args = parser.parse_args(argv)
    if args.short:
        args.calls = 3
    calls = [(f"A{n:03d}", n % 20 + 1) for n in range(args.calls)]
    with tempfile.TemporaryDirectory(prefix="bangban-speech-bench-") as tmp:
        for engine in ("espeak", "segments"):
            settings = SpeechSettings(engine=engine, cache_dir=Path(tmp) / engine)
            cold = _render_times(settings, calls)
            warm = _render_times(settings, calls)  # a new engine: the disk cache only
            print(f"{engine:9s} render, cold: median {_ms(statistics.median(cold))}, "
                  f"max {_ms(max(cold))}; cached: median {_ms(statistics.median(warm))}")
        settings = SpeechSettings(cache_dir=Path(tmp) / "espeak")
        clip = make_engine(settings).render_number(*calls[0])
        print(f"call A000 at window 1 with chime: {read_wav(clip).duration_s:.2f} s of audio")

        player = WavFilePlayer(Path(tmp) / "played", pace=0.0)
        with Announcer.from_settings(settings.but(gap_s=0.0), player) as announcer:
            latencies = []
            started_all = time.perf_counter()
            for number, window in calls:
                started = time.perf_counter()
                announcer.announce(number, window)
                latencies.append(time.perf_counter() - started)
            announcer.wait_idle(60)
            total = time.perf_counter() - started_all
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"announce() returns in: median {latencies[len(latencies) // 2] * 1e6:.0f} us, "
              f"p99 {p99 * 1e6:.0f} us")
        print(f"{len(player.played)} plays queued and handed to the player in {total:.2f} s "
              f"(repeat=1, no gap, player not waiting, cache warm)")


if __name__ == "__main__":
    main()
