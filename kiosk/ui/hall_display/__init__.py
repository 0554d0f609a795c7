"""The hall display (叫号大屏): ``run(server_url, token, data_dir)``."""
from __future__ import annotations

from pathlib import Path


def run(server_url: str, token: str, data_dir: str | Path, fullscreen: bool = True,
        speech_settings=None, *, player=None, notice: str | None = None,
        size: tuple[int, int] = (1920, 1080), language: str = "zh") -> None:
    """Show the hall display until closed. ``speech_settings``: a devices.speech.SpeechSettings
    (None: defaults, cache under data_dir); ``player``: where sound goes (None: this machine's speaker,
    or silence when it has none)."""
    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(data_dir, fullscreen=fullscreen, size=size)
    from kiosk.client import ApiClient

    from .app import HallDisplayApp, make_announcer

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    announcer = make_announcer(speech_settings, Path(data_dir), player)
    HallDisplayApp(ApiClient(server_url, token), announcer, notice=notice, language=language).run()
