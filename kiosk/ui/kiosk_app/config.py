"""Everything a kiosk is told at start, in one dataclass; the [kiosk] settings' defaults are the
declaration's (kiosk.config.roles.KioskSection)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config.roles import KioskSection

DECLARED = KioskSection()  # every [kiosk] key at its default


@dataclass
class KioskConfig:
    server_url: str
    token: str
    data_dir: Path
    printer_config: dict | None = None  # devices.printer.PrinterConfig fields; None: no printer
    camera_config: dict | None = None  # {"file": path} or {"device": 0, "width": .., "height": ..}; None: no camera
    fullscreen: bool = True
    elder_mode: bool = DECLARED.elder_mode  # the mode the kiosk returns to after each visitor
    admin_pin: str = DECLARED.admin_pin  # empty: the kiosk cannot be left from the screen at all
    idle_timeout_s: float = DECLARED.idle_timeout_s
    hall_name: str = DECLARED.hall_name or "政务服务中心"  # neither [kiosk] hall_name nor [hall] name given
    size: tuple[int, int] | None = DECLARED.size  # window size when not full screen
    speech: bool = DECLARED.speech  # spoken prompts in elder mode
    speech_player: Any = None  # a devices.speech Player; None: the speaker found on this machine
    printer_check_s: float = DECLARED.printer_check_s  # how often a printer fault is looked at again
    recover_within_s: float = DECLARED.recover_within_s  # after a restart, finish tickets issued this recently
    language: str = "zh"  # [hall] language: "mn-zh" shows Mongolian beside the Chinese
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
