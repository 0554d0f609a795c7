"""Everything a kiosk is told at start, in one dataclass."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class KioskConfig:
    server_url: str
    token: str
    data_dir: Path
    printer_config: dict | None = None  # devices.printer.PrinterConfig fields; None: no printer
    camera_config: dict | None = None  # {"file": path} or {"device": 0, "width": .., "height": ..}; None: no camera
    fullscreen: bool = True
    elder_mode: bool = False  # the mode the kiosk returns to after each visitor
    admin_pin: str = ""  # empty: the kiosk cannot be left from the screen at all
    idle_timeout_s: float = 60.0
    hall_name: str = "政务服务中心"
    size: tuple[int, int] | None = None  # window size when not full screen
    speech: bool = True  # spoken prompts in elder mode
    speech_player: Any = None  # a devices.speech Player; None: the speaker found on this machine
    printer_check_s: float = 10.0  # how often a printer fault is looked at again (to clear the warning)
    recover_within_s: float = 900.0  # after a restart, finish tickets issued this recently
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
