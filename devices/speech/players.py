"""Players: the speaker (through aplay, paplay or sox's play), a silent stand-in when
there is no sound device, and WavFilePlayer, which keeps what it "played" as files
with start and end times: what tests and the demo check instead of a speaker.

A player's `play` blocks until the clip has finished; the Announcer relies on that
to keep calls from overlapping.
"""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from .errors import NoAudioOutput, PlaybackFailed
from .pcm import read_wav, silence, write_wav

log = logging.getLogger(__name__)

# Tried in this order; "{path}" is replaced by the clip.
PLAYER_COMMANDS = {
    "aplay": ["aplay", "-q", "{path}"],  # ALSA, present on every Debian with alsa-utils
    "paplay": ["paplay", "{path}"],  # PulseAudio / PipeWire desktops
    "play": ["play", "-q", "{path}"],  # sox
}


class Player(Protocol):
    def play(self, path: Path, label: str = "") -> None:
        """Play the WAV at `path` and return when it has finished."""


class CommandPlayer:
    def __init__(self, command: list[str], *, timeout_s: float = 60.0):
        if "{path}" not in command:
            raise ValueError("command must contain '{path}'")
        self.command = list(command)
        self.timeout_s = timeout_s

    def play(self, path: Path, label: str = "") -> None:
        argv = [str(path) if part == "{path}" else part for part in self.command]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=self.timeout_s)
        except FileNotFoundError as exc:
            raise NoAudioOutput(f"{argv[0]} not found") from exc
        except subprocess.TimeoutExpired as exc:
            raise PlaybackFailed(f"{argv[0]} still playing after {self.timeout_s}s") from exc
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            raise PlaybackFailed(f"{argv[0]} exit {done.returncode}: {' '.join(tail)}")

    def __repr__(self) -> str:
        return f"CommandPlayer({self.command[0]})"


class SilentPlayer:
    """No speaker here: says why once, then lets calls pass without sound."""

    def __init__(self, reason: str):
        self.reason = reason
        self.skipped = 0
        log.warning("%s (%s)", NoAudioOutput.message, reason)

    def play(self, path: Path, label: str = "") -> None:
        self.skipped += 1


def find_player(names: tuple[str, ...] = tuple(PLAYER_COMMANDS)) -> CommandPlayer | SilentPlayer:
    """The first player program that can really play a short silent clip here,
    or a SilentPlayer that says what was missing."""
    reasons = []
    with tempfile.TemporaryDirectory(prefix="bangban-probe-") as tmp:
        probe = write_wav(Path(tmp) / "probe.wav", silence(0.05, 22050))
        for name in names:
            if shutil.which(name) is None:
                reasons.append(f"{name}: not installed")
                continue
            player = CommandPlayer(PLAYER_COMMANDS[name], timeout_s=10.0)
            try:
                player.play(probe)
            except (PlaybackFailed, NoAudioOutput) as exc:
                reasons.append(f"{name}: {exc.detail}")
                continue
            player.timeout_s = 60.0
            return player
    return SilentPlayer("; ".join(reasons) or "no player program tried")


@dataclass(frozen=True)
class PlayedClip:
    seq: int
    label: str
    saved_as: str  # the copy in the folder
    started: float  # time.monotonic(), for ordering and overlap checks
    ended: float
    started_at: str  # wall clock, ISO 8601 with offset, for people
    duration_s: float  # of the audio


class WavFilePlayer:
    """Writes every clip it is asked to play into `folder` as
    `0001_20261123T104455.123+0000_A012-w3.wav`, appends a line to
    `played.jsonl`, and takes as long as the clip lasts times `pace`
    (1.0 real time, 0.05 for fast tests, 0 for no waiting)."""

    def __init__(self, folder: Path, *, pace: float = 1.0):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pace = pace
        self.played: list[PlayedClip] = []
        self._seq = itertools.count(1)
        self._record_lock = threading.Lock()  # guards the list and the log, not the playing

    def play(self, path: Path, label: str = "") -> None:
        started = time.monotonic()
        now = datetime.now().astimezone()
        seq = next(self._seq)
        duration = read_wav(path).duration_s
        stamp = now.strftime("%Y%m%dT%H%M%S.") + f"{now.microsecond // 1000:03d}" + now.strftime("%z")
        saved = self.folder / f"{seq:04d}_{stamp}_{label or Path(path).stem}.wav"
        shutil.copyfile(path, saved)
        time.sleep(duration * self.pace)
        clip = PlayedClip(seq, label, str(saved), started, time.monotonic(),
                          now.isoformat(timespec="milliseconds"), round(duration, 3))
        with self._record_lock:
            self.played.append(clip)
            with open(self.folder / "played.jsonl", "a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(clip), ensure_ascii=False) + "\n")
