"""Say calls from the command line, to the speaker or into a folder of WAV files.

    python -m devices.speech A012 3 B100 12             # to the speaker, if there is one
    python -m devices.speech A012 3 --out /tmp/calls     # WAV files + played.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .announcer import Announcer
from .errors import SpeechError
from .players import WavFilePlayer, find_player
from .settings import ENGINES, SpeechSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="语音叫号：请 A012 号到 3 号窗口办理")
    parser.add_argument("calls", nargs="+", help="票号 窗口号，可以多对：A012 3 B100 12")
    parser.add_argument("--out", type=Path, help="把播放的语音写成 WAV 文件放到这个文件夹")
    parser.add_argument("--engine", choices=ENGINES, default="espeak")
    parser.add_argument("--volume", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--gap", type=float, default=1.0)
    args = parser.parse_args(argv)
    if len(args.calls) % 2:
        parser.error("票号和窗口号要成对给出")
    try:
        settings = SpeechSettings(engine=args.engine, volume=args.volume,
                                  repeat=args.repeat, gap_s=args.gap)
        player = WavFilePlayer(args.out, pace=0.0) if args.out else find_player()
        with Announcer.from_settings(settings, player) as announcer:
            for number, window in zip(args.calls[0::2], args.calls[1::2]):
                print(announcer.announce(number, int(window)).call.display)
            announcer.wait_idle()
    except (SpeechError, ValueError) as exc:
        print(exc)
        return 1
    for clip in getattr(player, "played", []):
        print(f"{clip.saved_as}  {clip.duration_s:.2f} s")
    return 1 if announcer.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
