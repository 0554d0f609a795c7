"""Where the voice comes from: espeak-ng reading our pinyin, or recorded segments joined.

A voice turns a SpokenCall into raw PCM. Levels, volume, chime and caching are
the engine's job (engine.py), so a voice stays small and swappable.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

from .call_text import PAUSE, SpokenCall, segment_names
from .errors import EngineMissing, SegmentMissing, SynthesisFailed
from .pcm import Pcm, concat, fade, read_wav, silence, trim

RATE = 22050  # espeak-ng's own rate; segments at other rates are resampled to it
SYLLABLE_GAP_S = 0.06  # between joined segments, so digits stay distinct


class Voice(Protocol):
    def cache_key(self) -> str:
        """Everything about this voice that changes the sound."""

    def speak(self, call: SpokenCall) -> Pcm:
        ...


class EspeakVoice:
    """espeak-ng's `cmn-latn-pinyin` voice, fed pinyin with tone numbers.

    Debian's espeak-ng 1.51 `cmn` voice reads characters through a rule set that
    speaks pinyin tone digits as English words (请 comes out as "king three");
    feeding pinyin to the pinyin voice avoids that and fixes every reading."""

    def __init__(self, *, binary: str = "espeak-ng", voice: str = "cmn-latn-pinyin",
                 speed_wpm: int = 150, pitch: int = 50, timeout_s: float = 20.0):
        path = shutil.which(binary)
        if path is None:
            raise EngineMissing(f"{binary!r} not found on PATH")
        self.binary, self.voice = path, voice
        self.speed_wpm, self.pitch, self.timeout_s = speed_wpm, pitch, timeout_s

    def cache_key(self) -> str:
        return f"espeak|{self.voice}|s{self.speed_wpm}|p{self.pitch}"

    def speak(self, call: SpokenCall) -> Pcm:
        return self.say_pinyin(call.pinyin)

    def say_pinyin(self, pinyin: str) -> Pcm:
        with tempfile.TemporaryDirectory(prefix="bangban-espeak-") as tmp:
            out = Path(tmp) / "say.wav"
            command = [self.binary, "-v", self.voice, "-s", str(self.speed_wpm),
                       "-p", str(self.pitch), "-w", str(out), "--", pinyin]
            try:
                done = subprocess.run(command, capture_output=True, timeout=self.timeout_s)
            except FileNotFoundError as exc:  # removed since we looked
                raise EngineMissing(str(exc)) from exc
            except subprocess.TimeoutExpired as exc:
                raise SynthesisFailed(f"espeak-ng took over {self.timeout_s}s") from exc
            if done.returncode != 0 or not out.exists():
                raise SynthesisFailed(done.stderr.decode(errors="replace").strip()
                                      or f"exit code {done.returncode}")
            return read_wav(out)


class SegmentVoice:
    """Joins one WAV file per piece (`qing3.wav`, `ei1.wav`, `hao4_chuang1_kou3_ban4_li3.wav`).

    The shipped set is made by kiosk/commands/speech_segments.py with espeak-ng; a hall can replace
    any file with a person's recording of the same words, same name."""

    def __init__(self, folder: Path, *, pause_s: float = 0.25):
        self.folder = Path(folder)
        self.pause_s = pause_s

    def cache_key(self) -> str:
        # Replacing a recording must not replay the old one from the cache.
        stamps = sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                        for p in self.folder.glob("*.wav"))
        digest = hashlib.sha256(repr(stamps).encode()).hexdigest()[:16]
        return f"segments|{self.folder}|{self.pause_s}|{digest}"

    def missing(self, names: list[str]) -> list[str]:
        return [n for n in names if n != PAUSE and not (self.folder / f"{n}.wav").exists()]

    def speak(self, call: SpokenCall) -> Pcm:
        names = segment_names(call)
        missing = self.missing(names)
        if missing:  # say every missing clip at once, so one re-recording fixes all
            raise SegmentMissing(f"{self.folder}: {', '.join(sorted(set(missing)))}")
        parts: list[Pcm] = []
        for name in names:
            if name == PAUSE:
                parts.append(silence(self.pause_s, RATE))
                continue
            parts.append(fade(trim(read_wav(self.folder / f"{name}.wav"))))
            parts.append(silence(SYLLABLE_GAP_S, RATE))
        return concat(parts, RATE)
