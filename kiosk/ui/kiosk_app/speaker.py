"""Spoken prompts for elder mode: any Chinese sentence, said through espeak-ng's pinyin voice.

devices/speech only says ticket calls; its EspeakVoice takes pinyin, and (see its README)
the plain `cmn` voice misreads characters, so the sentence becomes pinyin with tone
numbers here (pypinyin) first. Only the newest prompt matters: a person who taps on
before a prompt is said skips it.

Everything slow happens on the speaker's own thread, never on the UI thread: loading
pypinyin's dictionaries, probing the audio players (each plays a clip, about 2 s when
there is no sound card), and running espeak-ng.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from pathlib import Path

from devices.speech.call_text import digit_pieces, letter_pieces, number_pieces
from devices.speech.pcm import write_wav
from devices.speech.players import Player, find_player
from devices.speech.voices import EspeakVoice

log = logging.getLogger("bangban.kiosk.speech")


def to_pinyin(sentence: str) -> str:
    """"请选择事项" -> "qing3 xuan3 ze2 shi4 xiang4"; punctuation becomes a pause (a comma)."""
    from pypinyin import Style, lazy_pinyin  # loads its dictionaries: on the speaker's thread

    words = lazy_pinyin(sentence, style=Style.TONE3, neutral_tone_with_five=True, errors=_not_han)
    return " ".join(w for w in words if w.strip()).replace(" , ,", " ,")


def _not_han(text: str) -> list[str]:
    """Ticket numbers as the hall's calls say them (A012: ēi líng yī èr); numbers as numbers."""
    pieces: list[str] = []
    for token in re.findall(r"[A-Za-z]+\d*|\d+|[^A-Za-z\d\s]+", text):
        if token[0].isalpha():
            letters, digits = re.match(r"([A-Za-z]+)(\d*)", token).groups()
            pieces += letter_pieces(letters.upper()) + (digit_pieces(digits) if digits else [])
        elif token.isdigit():
            pieces += number_pieces(int(token)) if len(token) < 5 else digit_pieces(token)
        else:
            pieces.append(",")
    return pieces or [","]


class PromptSpeaker:
    def __init__(self, cache_dir: Path, player: Player | None = None, voice: EspeakVoice | None = None):
        self.cache_dir = cache_dir
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.player = player  # None: found on the speaker's thread before the first prompt
        self.voice = voice or EspeakVoice(speed_wpm=130)
        self._next: str | None = None
        self._ready = threading.Condition()
        self._stopped = False
        threading.Thread(target=self._run, name="kiosk-prompts", daemon=True).start()

    def say(self, sentence: str) -> None:
        with self._ready:
            self._next = sentence
            self._ready.notify()

    def stop(self) -> None:
        with self._ready:
            self._stopped = True
            self._ready.notify()

    def wav_for(self, sentence: str) -> Path:
        pinyin = to_pinyin(sentence)
        path = self.cache_dir / (hashlib.sha1((self.voice.cache_key() + pinyin).encode()).hexdigest()[:16] + ".wav")
        if not path.exists():
            write_wav(path, self.voice.say_pinyin(pinyin))
        return path

    def _run(self) -> None:
        to_pinyin("")  # loads pypinyin now, not when the first prompt is due
        if self.player is None:
            self.player = find_player()
        while True:
            with self._ready:
                while self._next is None and not self._stopped:
                    self._ready.wait()
                if self._stopped:
                    return
                sentence, self._next = self._next, None
            try:
                self.player.play(self.wav_for(sentence), label=sentence[:20])
            except Exception as exc:  # a silent kiosk still works: the words are on screen
                log.warning("prompt not said: %s", exc)
