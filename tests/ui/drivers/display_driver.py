"""Runs the hall display against a live server and reports what it shows.

Writes states.jsonl (one line each time the shown call, caption or connection changes);
obeys commands.txt lines: ``shot NAME`` (screenshot), ``stop``. Speech goes to a
WavFilePlayer in OUT/speech (played.jsonl and the WAV files)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver_io import DriverIO  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--size", default="1920x1080")
    p.add_argument("--language", default="zh")
    args = p.parse_args()
    out = Path(args.out)
    io = DriverIO(out)
    width, height = (int(x) for x in args.size.split("x"))

    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(os.environ["KIVY_HOME"], fullscreen=False, size=(width, height))  # set by the test
    from kivy.clock import Clock

    from devices.speech import SpeechSettings, WavFilePlayer
    from kiosk.client import ApiClient
    from kiosk.ui.hall_display.app import HallDisplayApp, make_announcer

    settings = SpeechSettings(cache_dir=out / "speech-cache", gap_s=0.05)
    announcer = make_announcer(settings, out, WavFilePlayer(out / "speech", pace=0.02))
    app = HallDisplayApp(ApiClient(args.url, args.token), announcer, language=args.language)

    def watch(_dt) -> None:
        s = app.screen
        io.record({"number": s.latest_number, "window_text": s.latest_window_text,
                   "caption": s.latest_caption, "connected": s.connected, "banner": s.ids.banner.text,
                   "number_colour": [round(c, 3) for c in s.ids.latest_number.color],
                   "recent": [c.number for c in app.board.recent()],
                   "waiting": {q.prefix: q.waiting for q in app.board.queues.values()},
                   "staff": {st.window: st.helper_name for st in app.board.staffing}, "clock": s.clock_text,
                   "connections": app.follower.connections if app.follower else 0,
                   "mongolian_labels": sum(hasattr(w, "_mongolian_beside") for w in s.walk())})
        for command in io.new_commands():
            if command == "stop":
                io.result({"board_latest": app.board.latest.number if app.board.latest else None,
                           "speech_pending": announcer.pending() if announcer else None})
                app.stop()
            elif command.startswith("shot "):
                io.screenshot(command.split(" ", 1)[1])

    Clock.schedule_interval(watch, 0.03)
    app.run()


if __name__ == "__main__":
    main()
