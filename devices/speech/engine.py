"""Turn a call into a WAV file ready to play: voice, level, volume, chime, disk cache.

Two caches, both on disk: the raw voice of a sentence (keyed by voice and
pinyin, so changing the volume does not re-synthesise) and the finished clip
(keyed by everything). A call said again, or by a restarted display, costs a
file lookup.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from .call_text import SpokenCall, spoken_call
from .chime import chime as make_chime
from .pcm import Pcm, concat, read_wav, set_level, silence, trim, write_wav
from .settings import SpeechSettings
from .voices import RATE, EspeakVoice, SegmentVoice, Voice

NORMAL_PEAK = 0.89  # -1 dBFS: volume 1.0 is as loud as it goes without clipping
CHIME_PEAK = 0.5  # the ding-dong sits below the voice
CHIME_GAP_S = 0.3
CACHE_VERSION = "2"  # bump when the rendering changes, so old clips are not replayed


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join((CACHE_VERSION,) + parts).encode()).hexdigest()[:20]


class SpeechEngine:
    def __init__(self, voice: Voice, cache_dir: Path, *, volume: float = 1.0,
                 chime: bool = True, one_as_yao: bool = False):
        self.voice = voice
        self.cache_dir = Path(cache_dir)
        self.volume = volume
        self.chime = chime
        self.one_as_yao = one_as_yao
        self.syntheses = 0  # how often the voice really ran; the cache keeps it low
        self._lock = threading.Lock()

    def call(self, number: str, window: int) -> SpokenCall:
        return spoken_call(number, window, chime=self.chime, one_as_yao=self.one_as_yao)

    def render(self, call: SpokenCall, *, chime: bool | None = None) -> Path:
        """The finished WAV for `call`; `chime` overrides the call's own flag
        (a repeat is said without the ding-dong)."""
        with_chime = call.chime if chime is None else chime
        voice_key = self.voice.cache_key()
        path = self.cache_dir / "calls" / (
            f"{call.label}-{_digest(voice_key, call.pinyin, f'{self.volume:.4f}', str(with_chime))}.wav")
        if path.exists():
            return path
        with self._lock:  # two threads rendering the same call synthesise it once
            if path.exists():
                return path
            speech = set_level(trim(self._voice_pcm(call, voice_key)), NORMAL_PEAK * self.volume)
            parts = []
            if with_chime:
                bell = set_level(make_chime(RATE), CHIME_PEAK * self.volume)
                parts = [bell, silence(CHIME_GAP_S, RATE)]
            write_wav(path, concat(parts + [speech], RATE))
        return path

    def render_number(self, number: str, window: int) -> Path:
        return self.render(self.call(number, window))

    def _voice_pcm(self, call: SpokenCall, voice_key: str) -> Pcm:
        raw = self.cache_dir / "voice" / f"{_digest(voice_key, call.pinyin)}.wav"
        if raw.exists():
            return read_wav(raw)
        pcm = self.voice.speak(call)
        self.syntheses += 1
        write_wav(raw, pcm)
        return pcm


def make_voice(settings: SpeechSettings) -> Voice:
    if settings.engine == "segments":
        return SegmentVoice(settings.segments_dir, pause_s=settings.pause_s)
    return EspeakVoice(binary=settings.espeak_binary, voice=settings.voice,
                       speed_wpm=settings.speed_wpm, pitch=settings.pitch)


def make_engine(settings: SpeechSettings) -> SpeechEngine:
    """The engine the settings ask for; EngineMissing at once if espeak-ng is absent."""
    return SpeechEngine(make_voice(settings), settings.cache_dir, volume=settings.volume,
                        chime=settings.chime, one_as_yao=settings.one_as_yao)
