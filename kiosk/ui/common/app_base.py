"""What every Kivy terminal shares: fonts registered, layouts loaded from layouts/, and
work sent off the UI thread with its result handed back on the UI thread."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from layouts import FOLDER as LAYOUTS

from .fonts import register_with_kivy

log = logging.getLogger("bangban.ui")


def prepare_kivy(data_dir: str | Path, *, fullscreen: bool, size: tuple[int, int] | None = None) -> None:
    """Before the Window exists: window mode and size, no Kivy command-line parsing, and Kivy's own
    files (config, logs) in the program's data directory: terminals started together on one machine
    would otherwise race to create the same ~/.kivy, and one of them would die of it."""
    import os

    os.environ.setdefault("KIVY_NO_ARGS", "1")
    if "KIVY_HOME" not in os.environ:
        home = Path(data_dir) / "kivy"
        home.mkdir(parents=True, exist_ok=True)
        os.environ["KIVY_HOME"] = str(home)
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    if fullscreen:
        Config.set("graphics", "fullscreen", "auto")
    elif size:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    register_with_kivy()
    _stop_on_sigterm()
    logging.getLogger("urllib3").setLevel(logging.WARNING)  # Kivy's log handler would show every request


def _stop_on_sigterm() -> None:
    """systemd and the demo stop a terminal with SIGTERM. Left alone, SDL turns it into a window-close
    request, which the locked-down kiosk refuses, so the terminal would hang until it is killed. A
    handler of our own (SDL keeps a handler it finds) stops the app cleanly: drafts kept, devices closed."""
    import signal

    def stop(_signum, _frame) -> None:
        from kivy.app import App
        from kivy.clock import Clock

        app = App.get_running_app()
        if app is None:
            raise SystemExit(0)
        Clock.schedule_once(lambda _dt: app.stop())

    signal.signal(signal.SIGTERM, stop)


def load_layouts(*names: str) -> None:
    from kivy.lang import Builder

    from . import widgets  # noqa: F401  (registers the Chain* widgets the layouts use)

    for name in names:
        path = LAYOUTS / name
        Builder.unload_file(str(path))
        Builder.load_file(str(path))


class Background:
    """One worker thread for network calls, so actions reach the server in the order pressed."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ui-network")

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None) -> None:
        from kivy.clock import Clock

        def job() -> None:
            try:
                result = work()
            except Exception as exc:  # handed to the UI thread as it is, typed
                if on_error is None:
                    log.exception("background work failed")
                else:
                    Clock.schedule_once(lambda _dt, error=exc: on_error(error))  # `exc` is unbound after except
                return
            if on_done is not None:
                Clock.schedule_once(lambda _dt: on_done(result))

        self._pool.submit(job)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
