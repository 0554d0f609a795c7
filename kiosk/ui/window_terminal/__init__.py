"""The window terminal (窗口终端): ``run(server_url, token, window, data_dir)``."""
from __future__ import annotations

from pathlib import Path


def run(server_url: str, token: str, window: int, data_dir: str | Path, fullscreen: bool = False,
        *, size: tuple[int, int] = (1280, 800)) -> None:
    """Run the terminal of window ``window`` until closed. ``token``: this terminal's device token;
    ``data_dir``: where the service-log drafts are kept (they survive a crash)."""
    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(fullscreen=fullscreen, size=size)
    from kiosk.client import ApiClient

    from .app import WindowTerminalApp

    WindowTerminalApp(ApiClient(server_url, token), window, Path(data_dir)).run()
