"""The call queue: announce() returns at once; one worker thread says the calls in
order, each `repeat` extra times, with `gap_s` of quiet between any two plays, so
two calls never overlap."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from .call_text import SpokenCall
from .engine import SpeechEngine, make_engine
from .errors import AnnouncerClosed, BadSpeechSetting, SpeechError
from .players import Player, find_player
from .settings import SpeechSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Announcement:
    id: int  # increases in the order calls were queued, which is the order they are said
    call: SpokenCall


class Announcer:
    def __init__(self, engine: SpeechEngine, player: Player, repeat: int = 1, gap_s: float = 1.0,
                 *, on_error: Callable[[Announcement, SpeechError], None] | None = None):
        if not (isinstance(repeat, int) and 0 <= repeat <= 5):
            raise BadSpeechSetting(f"repeat={repeat}, expected 0..5")
        if not 0.0 <= gap_s <= 10.0:
            raise BadSpeechSetting(f"gap_s={gap_s}, expected 0..10")
        self.engine, self.player = engine, player
        self.repeat, self.gap_s = repeat, gap_s
        self.on_error = on_error
        self.errors: list[tuple[Announcement, SpeechError]] = []
        self._waiting: deque[Announcement] = deque()
        self._ids = itertools.count(1)
        self._busy = False
        self._closed = False
        self._last_end: float | None = None
        self._cond = threading.Condition()
        self._worker = threading.Thread(target=self._run, name="speech-announcer", daemon=True)
        self._worker.start()

    @classmethod
    def from_settings(cls, settings: SpeechSettings, player: Player | None = None,
                      **kwargs: object) -> "Announcer":
        """Engine from `settings`; the speaker found on this machine unless `player` is given."""
        return cls(make_engine(settings), player if player is not None else find_player(),
                   repeat=settings.repeat, gap_s=settings.gap_s, **kwargs)

    def announce(self, number: str, window: int) -> Announcement:
        """Queue a call and return at once. A bad number raises here, on the caller's
        thread. The same call already waiting is not queued twice (a helper pressing
        "recall" twice in a row)."""
        call = self.engine.call(number, window)
        with self._cond:
            if self._closed:
                raise AnnouncerClosed()
            for waiting in self._waiting:
                if waiting.call == call:
                    return waiting
            announcement = Announcement(next(self._ids), call)
            self._waiting.append(announcement)
            self._cond.notify_all()
        return announcement

    def pending(self) -> int:
        """Calls not yet finished, including the one being said."""
        with self._cond:
            return len(self._waiting) + (1 if self._busy else 0)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued call has been said; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._waiting and not self._busy, timeout)

    def close(self, *, drain: bool = True, timeout: float | None = 30.0) -> None:
        """Stop taking calls; with `drain`, say those already queued first."""
        with self._cond:
            self._closed = True
            if not drain:
                self._waiting.clear()
            self._cond.notify_all()
        self._worker.join(timeout)

    def __enter__(self) -> "Announcer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._waiting or self._closed)
                if not self._waiting:
                    return  # closed and drained
                announcement = self._waiting.popleft()
                self._busy = True
            try:
                self._say(announcement)
            except SpeechError as exc:
                self._report(announcement, exc)
            except Exception as exc:  # a broken player must not silence every later call
                log.exception("speech: unexpected failure on %s", announcement.call.label)
                self._report(announcement, SpeechError(repr(exc)))
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _say(self, announcement: Announcement) -> None:
        call = announcement.call
        first = self.engine.render(call)
        again = self.engine.render(call, chime=False) if self.repeat else first
        for n in range(1 + self.repeat):
            self._keep_gap()
            try:
                self.player.play(first if n == 0 else again, f"{call.label}-say{n + 1}")
            finally:
                self._last_end = time.monotonic()

    def _keep_gap(self) -> None:
        if self._last_end is None:
            return
        wait = self._last_end + self.gap_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _report(self, announcement: Announcement, error: SpeechError) -> None:
        log.error("speech: %s not said: %s", announcement.call.label, error)
        self.errors.append((announcement, error))
        if self.on_error is not None:
            self.on_error(announcement, error)
