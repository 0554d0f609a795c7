"""python-escpos parses its printer database (capabilities.json) at import and pickles it into a
fresh temporary folder each time: a quarter of a second at every start of every terminal, and a
folder left behind. Pointing it at a lasting, private cache folder makes the second start read
the pickle instead."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def keep_escpos_capabilities() -> None:
    if ENV in os.environ:
        return
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bangban" / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.access(folder, os.W_OK):
            os.environ[ENV] = str(folder)
    except OSError:
        pass  # a read-only home (systemd): python-escpos uses its temporary folder, as before
