"""Spoken-call settings in one place, checked once, readable from a plain mapping."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from assets import SPEECH_SEGMENTS

from .errors import BadSpeechSetting

ENGINES = ("espeak", "segments")
DEFAULT_SEGMENTS_DIR = SPEECH_SEGMENTS


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bangban" / "speech"


@dataclass(frozen=True)
class SpeechSettings:
    engine: str = "espeak"  # "espeak": synthesise each sentence; "segments": join recorded clips
    volume: float = 1.0  # 0..1, a fraction of the normal level (peak at -1 dBFS)
    repeat: int = 1  # extra times each call is said: 1 means said twice
    gap_s: float = 1.0  # silence between two plays (a repeat or the next call)
    chime: bool = True  # ding-dong before the first saying of a call
    one_as_yao: bool = False  # read digit 1 as 幺 (yao1) instead of 一 (yi1)
    voice: str = "cmn-latn-pinyin"  # espeak-ng voice that reads our pinyin
    speed_wpm: int = 150  # espeak-ng -s; its default 175 is hurried for a hall
    pitch: int = 50  # espeak-ng -p, 0..99
    pause_s: float = 0.25  # the pause after "请 A012 号"
    espeak_binary: str = "espeak-ng"
    segments_dir: Path = DEFAULT_SEGMENTS_DIR
    cache_dir: Path = field(default_factory=default_cache_dir)

    def __post_init__(self) -> None:
        problems = []
        if self.engine not in ENGINES:
            problems.append(f"engine={self.engine!r}, expected one of {ENGINES}")
        if not 0.0 <= self.volume <= 1.0:
            problems.append(f"volume={self.volume}, expected 0..1")
        if not (isinstance(self.repeat, int) and 0 <= self.repeat <= 5):
            problems.append(f"repeat={self.repeat}, expected 0..5")
        if not 0.0 <= self.gap_s <= 10.0:
            problems.append(f"gap_s={self.gap_s}, expected 0..10")
        if not 80 <= self.speed_wpm <= 300:
            problems.append(f"speed_wpm={self.speed_wpm}, expected 80..300")
        if not 0 <= self.pitch <= 99:
            problems.append(f"pitch={self.pitch}, expected 0..99")
        if not 0.0 <= self.pause_s <= 2.0:
            problems.append(f"pause_s={self.pause_s}, expected 0..2")
        if problems:
            raise BadSpeechSetting("; ".join(problems))
        object.__setattr__(self, "segments_dir", Path(self.segments_dir))
        object.__setattr__(self, "cache_dir", Path(self.cache_dir))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "SpeechSettings":
        """From a config file's section; unknown keys are an error, not ignored."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise BadSpeechSetting(f"unknown settings: {', '.join(unknown)}")
        return cls(**dict(values))

    def but(self, **changes: Any) -> "SpeechSettings":
        return replace(self, **changes)
