"""Make the recorded-segments set with espeak-ng: one WAV per word of any call.

    python -m kiosk.commands.speech_segments [FOLDER]   # default assets/sounds/speech

The files are the starting set; a hall can replace any of them with a person's
recording of the same words under the same name (see README.md). A chime.wav is
written beside the folder for screens that want the ding-dong alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from devices.speech.call_text import vocabulary
from devices.speech.chime import chime
from devices.speech.engine import NORMAL_PEAK
from devices.speech.pcm import set_level, trim, write_wav
from devices.speech.settings import DEFAULT_SEGMENTS_DIR
from devices.speech.voices import RATE, EspeakVoice


def build_segments(folder: Path, voice: EspeakVoice | None = None) -> list[Path]:
    voice = voice or EspeakVoice()
    written = []
    for name in vocabulary():
        pcm = trim(voice.say_pinyin(name.replace("_", " ") + "."), keep_s=0.01)
        pcm = set_level(pcm, NORMAL_PEAK)
        written.append(write_wav(folder / f"{name}.wav", pcm))
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成叫号语音片段（espeak-ng）")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_SEGMENTS_DIR)
    args = parser.parse_args(argv)
    files = build_segments(args.folder)
    write_wav(args.folder.parent / "chime.wav", chime(RATE))
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} segments, {size / 1024:.0f} KiB in {args.folder}")


if __name__ == "__main__":
    main()
