"""The window terminal (窗口终端): ``run(server_url, token, window, data_dir)``."""
from __future__ import annotations

from pathlib import Path


def run(server_url: str, token: str, window: int, data_dir: str | Path, fullscreen: bool = False,
        *, size: tuple[int, int] = (1280, 800), printer_config: dict | None = None,
        camera_config: dict | None = None, hall_name: str = "", helper_phone: str = "") -> None:
    """Run the terminal of window ``window`` until closed. ``token``: this terminal's device token;
    ``data_dir``: where the service-log drafts and pages not yet uploaded are kept (they survive
    a crash). ``printer_config``: the window's printer for devices.printer.ReceiptPrinter (None:
    the print button says 本窗口未配置打印机); ``camera_config``: {"device": 0} or {"file": path}."""
    from kiosk.ui.common.app_base import prepare_kivy

    prepare_kivy(data_dir, fullscreen=fullscreen, size=size)
    from kiosk.client import ApiClient

    from .app import WindowTerminalApp

    app = WindowTerminalApp(ApiClient(server_url, token), window, Path(data_dir), printer_config=printer_config,
                            camera_config=camera_config, hall_name=hall_name, helper_phone=helper_phone)
    stop_on_sigterm(app)
    app.run()


def stop_on_sigterm(app) -> None:
    """systemd stops the terminal with SIGTERM: close the app (it signs the helper out) instead of dying."""
    import signal

    from kivy.clock import Clock

    signal.signal(signal.SIGTERM, lambda _sig, _frame: Clock.schedule_once(lambda _dt: app.stop()))
