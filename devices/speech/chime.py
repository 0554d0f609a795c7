"""The ding-dong before a call: two soft bell tones, made from numbers, no file needed."""

from __future__ import annotations

import numpy as np

from .pcm import Pcm, from_float

# E5 then C5, a falling major third: the common "please attend" chime.
NOTES_HZ = (659.25, 523.25)
NOTE_S = 0.45
LEVEL = 0.5


def _bell(freq: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    # A few harmonics that die away faster than the fundamental sound like a bell.
    tone = (np.sin(2 * np.pi * freq * t)
            + 0.35 * np.sin(2 * np.pi * 2 * freq * t) * np.exp(-t * 6)
            + 0.15 * np.sin(2 * np.pi * 3 * freq * t) * np.exp(-t * 9))
    envelope = np.exp(-t * 4.0) * np.minimum(1.0, t / 0.005)
    return tone * envelope


def chime(rate: int = 22050) -> Pcm:
    notes = [_bell(f, NOTE_S, rate) for f in NOTES_HZ]
    signal = np.concatenate(notes)
    signal = signal / np.abs(signal).max() * LEVEL
    return from_float(signal, rate)
