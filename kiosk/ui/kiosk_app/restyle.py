"""After a switch of mode, the screen being looked at is drawn in its new sizes at once; the
hidden screens' labels render theirs afterwards, a few at a time between frames, or all at
once when their screen is entered first.

Every label of the ten screens binds its size to ``app.sz``, so a switch made all of them (about
200, most on screens nobody sees) render their text again in the frame after the tap: 150 ms of
work on the UI thread at 1080x1600, where the screen shown needs a fifth of it.
"""
from __future__ import annotations

import time

from kivy.clock import Clock
from kivy.uix.label import Label
from kivy.uix.screenmanager import ScreenManager

FRAME_SHARE_S = 0.012  # of label rendering between two frames while catching up


class _Held:
    """Stands in for a hidden label's render trigger (Kivy's ``Label._trigger_texture``, which
    every change of size, text or layout calls) until the label's turn comes."""

    __slots__ = ("trigger",)

    def __init__(self, trigger):
        self.trigger = trigger

    def __call__(self, *_args) -> None:
        pass

    def cancel(self) -> None:
        self.trigger.cancel()


class HiddenScreensRestyle:
    def __init__(self, manager: ScreenManager):
        self.manager = manager
        self._held: dict[str, list[Label]] = {}  # screen name: labels not rendered since the switch
        self._catching_up = Clock.create_trigger(self._catch_up_some)
        for screen in manager.screens:
            screen.fbind("on_pre_enter", self._entering)

    def hold(self) -> None:
        """Just after the sizes changed: the hidden screens' labels render later, not in this frame."""
        for screen in self.manager.screens:
            if screen is self.manager.current_screen or screen.name in self._held:
                continue
            labels = [w for w in screen.walk(restrict=True) if isinstance(w, Label)]
            for label in labels:
                label._trigger_texture.cancel()  # already asked for by the size change
                label._trigger_texture = _Held(label._trigger_texture)
            self._held[screen.name] = labels
        self._catching_up()

    def _catch_up_some(self, _dt) -> None:
        until = time.perf_counter() + FRAME_SHARE_S
        while self._held and time.perf_counter() < until:
            name = next(iter(self._held))
            labels = self._held[name]
            while labels and time.perf_counter() < until:
                _render(labels.pop())
            if not labels:
                del self._held[name]
        if self._held:
            self._catching_up()

    def _entering(self, screen) -> None:
        for label in self._held.pop(screen.name, ()):
            _render(label)


def _render(label: Label) -> None:
    label._trigger_texture = label._trigger_texture.trigger
    label.texture_update()
