"""16-bit mono PCM: read and write WAV files, join, trim, level and measure clips."""

from __future__ import annotations

import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import BadAudioFile

FULL_SCALE = 32767


@dataclass(frozen=True)
class Pcm:
    samples: np.ndarray  # int16, one channel
    rate: int  # samples per second

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate

    def as_float(self) -> np.ndarray:
        return self.samples.astype(np.float64) / FULL_SCALE


def read_wav(path: str | os.PathLike) -> Pcm:
    """Read a 16-bit WAV; stereo is mixed down to mono."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, OSError) as exc:
        raise BadAudioFile(f"{path}: {exc}") from exc
    if width != 2:
        raise BadAudioFile(f"{path}: {8 * width}-bit samples")
    samples = np.frombuffer(frames, dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return Pcm(samples.astype(np.int16), rate)


def write_wav(path: str | os.PathLike, pcm: Pcm) -> Path:
    """Write atomically: a reader (or a second writer of the same cache entry) never
    sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(pcm.rate)
            wav.writeframes(pcm.samples.astype("<i2").tobytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def from_float(signal: np.ndarray, rate: int) -> Pcm:
    clipped = np.clip(signal, -1.0, 1.0)
    return Pcm(np.round(clipped * FULL_SCALE).astype(np.int16), rate)


def silence(seconds: float, rate: int) -> Pcm:
    return Pcm(np.zeros(int(round(seconds * rate)), dtype=np.int16), rate)


def resample(pcm: Pcm, rate: int) -> Pcm:
    """Linear interpolation: enough for speech clips recorded at another rate."""
    if pcm.rate == rate or len(pcm.samples) == 0:
        return Pcm(pcm.samples, rate)
    count = int(round(len(pcm.samples) * rate / pcm.rate))
    positions = np.linspace(0, len(pcm.samples) - 1, count)
    return from_float(np.interp(positions, np.arange(len(pcm.samples)), pcm.as_float()), rate)


def concat(parts: list[Pcm], rate: int) -> Pcm:
    if not parts:
        return silence(0, rate)
    return Pcm(np.concatenate([resample(p, rate).samples for p in parts]), rate)


def trim(pcm: Pcm, threshold: float = 0.02, keep_s: float = 0.02) -> Pcm:
    """Cut leading and trailing near-silence, keeping `keep_s` of it at each end."""
    loud = np.flatnonzero(np.abs(pcm.as_float()) > threshold)
    if len(loud) == 0:
        return silence(0, pcm.rate)
    keep = int(keep_s * pcm.rate)
    start, end = max(0, loud[0] - keep), min(len(pcm.samples), loud[-1] + 1 + keep)
    return Pcm(pcm.samples[start:end], pcm.rate)


def fade(pcm: Pcm, seconds: float = 0.005) -> Pcm:
    """Short fade in and out so joined segments do not click."""
    n = min(int(seconds * pcm.rate), len(pcm.samples) // 2)
    if n == 0:
        return pcm
    signal = pcm.as_float()
    ramp = np.linspace(0.0, 1.0, n)
    signal[:n] *= ramp
    signal[-n:] *= ramp[::-1]
    return from_float(signal, pcm.rate)


def peak(pcm: Pcm) -> float:
    return float(np.abs(pcm.as_float()).max()) if len(pcm.samples) else 0.0


def rms(pcm: Pcm) -> float:
    return float(np.sqrt(np.mean(pcm.as_float() ** 2))) if len(pcm.samples) else 0.0


def set_level(pcm: Pcm, target_peak: float) -> Pcm:
    """Scale so the loudest sample sits at `target_peak` (0..1 of full scale).
    Synthesised speech often arrives clipped at full scale; every clip leaves here
    at the same known level, and volume is a plain fraction of it."""
    current = peak(pcm)
    if current == 0.0:
        return pcm
    return from_float(pcm.as_float() * (target_peak / current), pcm.rate)
