"""python-escpos parses its printer database (capabilities.json) at import and pickles it into a
fresh temporary folder each time: a quarter of a second at every start of every terminal, and a
folder left behind. Pointing it at a lasting, private cache folder makes the second start read
the pickle instead.

python-escpos writes that pickle in place, so a process importing it while another writes it
reads half a file and fails (the demo starts four terminals at once on a new machine). The pickle
is therefore written here first, whole, under another name and renamed into place."""

from __future__ import annotations

import os
import pickle
import platform
import tempfile
from importlib import resources
from pathlib import Path

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def keep_escpos_capabilities() -> None:
    if ENV in os.environ:
        return
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bangban" / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.access(folder, os.W_OK):
            _write_pickle_whole(folder)
            os.environ[ENV] = str(folder)
    except OSError:
        pass  # a read-only home (systemd): python-escpos uses its temporary folder, as before


def _write_pickle_whole(folder: Path) -> None:
    """The pickle python-escpos would write (its name, its content), unless a current one is there."""
    import yaml  # python-escpos's own dependency, and how it reads the database

    source = resources.files("escpos") / "capabilities.json"
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    with resources.as_file(source) as path:
        if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
            return
        capabilities = yaml.safe_load(path.read_text(encoding="utf-8"))
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as part:
        pickle.dump(capabilities, part)
    os.replace(part.name, target)
