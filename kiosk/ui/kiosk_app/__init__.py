"""The citizen kiosk (自助取号机): a touchscreen app a first-time visitor of 70 can use.

    from kiosk.ui.kiosk_app import run
    run(server_url, token, data_dir, printer_config={"host": ..., "port": 9100},
        camera_config={"device": 0}, fullscreen=True, elder_mode=False, admin_pin="2468")
"""
from __future__ import annotations

from typing import Any

from .config import KioskConfig


def make_app(config: KioskConfig):
    """The app, not yet running: Kivy's window is set up (size, fonts) before it is imported."""
    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(config.data_dir, fullscreen=config.fullscreen, size=config.size or (1080, 1920))
    from .app import KioskApp

    return KioskApp(config)


def run(server_url: str, token: str, data_dir, printer_config: dict | None = None,
        camera_config: dict | None = None, fullscreen: bool = True, elder_mode: bool = False,
        admin_pin: str = "", **more: Any) -> None:
    """`bangban kiosk`: the kiosk app until the admin leaves it with the PIN (or systemd stops it)."""
    config = KioskConfig(server_url, token, data_dir, printer_config, camera_config, fullscreen=fullscreen,
                         elder_mode=elder_mode, admin_pin=admin_pin, **more)
    make_app(config).run()


__all__ = ["KioskConfig", "make_app", "run"]
