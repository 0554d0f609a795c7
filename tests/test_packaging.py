"""An installed bangban, not an editable one, carries every file its code reads and finds them
through the package: layouts, sounds, templates, the page net, the SQL, the migrations."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA_SUFFIXES = {".kv", ".wav", ".html", ".css", ".js", ".onnx", ".sql", ".json", ".mako", ".ini", ".ttf"}


def checkout_files() -> list[str]:
    """The repository's files as a clean checkout has them (with changes not yet committed)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    return [name for name in listed if (REPO / name).is_file()]


def shipped_data(files: list[str]) -> set[str]:
    return {name for name in files if name.split("/")[0] in {"kiosk", "devices", "layouts", "assets"}
            and Path(name).suffix in DATA_SUFFIXES}


def test_a_wheel_installed_elsewhere_finds_its_layouts_and_sounds(tmp_path):
    files = checkout_files()
    source = tmp_path / "source"  # built from a copy: pip builds in place and would reuse a stale build/
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((tmp_path / "dist").glob("bangban-*.whl"))
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert shipped_data(files) - in_wheel == set(), "data files the wheel leaves out"

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # what pip install --target does for a pure wheel
    probe = ("import layouts, devices.speech.settings as s; "
             "print(layouts.FOLDER); print(s.DEFAULT_SEGMENTS_DIR)")
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    found_layouts, found_segments = map(Path, done.stdout.split())
    assert found_layouts.is_relative_to(site) and found_segments.is_relative_to(site)
    assert {p.name for p in found_layouts.glob("*.kv")} == {p.name for p in (REPO / "layouts").glob("*.kv")}
    assert len(list(found_segments.glob("*.wav"))) == len(list((REPO / "assets/sounds/speech").glob("*.wav")))
