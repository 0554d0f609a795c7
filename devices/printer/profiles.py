"""What a printer model can do, as data (profiles.json), not as branches on model names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import UnknownProfile

# Font A on ESC/POS printers: half-width (ASCII) 12 x 24 dots, full-width (Chinese) 24 x 24.
HALF_WIDTH_DOTS = 12
FULL_WIDTH_DOTS = 24
LINE_HEIGHT_DOTS = 24


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    width_dots: int  # printable width: 576 on 80 mm paper, 384 on 58 mm, at 203 dpi
    native_text: str | None  # "gb18030", "gbk" or None (raster only)
    native_qr: bool  # understands GS ( k
    status_query: bool  # answers DLE EOT
    cutter: bool
    description: str = ""

    @property
    def chars_per_line(self) -> int:
        """Half-width columns per line at normal size (a Chinese character takes two)."""
        return self.width_dots // HALF_WIDTH_DOTS

    @property
    def paper_mm(self) -> int:
        return 80 if self.width_dots > 400 else 58


@cache
def _profiles_data() -> dict:
    return json.loads((Path(__file__).with_name("profiles.json")).read_text("utf-8"))


def profile_names() -> list[str]:
    return sorted(_profiles_data())


def load_profile(name: str) -> PrinterProfile:
    try:
        data = _profiles_data()[name]
    except KeyError:
        raise UnknownProfile(f"profile {name!r}; known: {', '.join(profile_names())}") from None
    return PrinterProfile(name=name, **data)
