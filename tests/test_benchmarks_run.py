"""Every benchmark in benchmarks/ runs as its docstring says, in its short mode, so none can rot.

A benchmark is a script there with a `__main__` block; each takes `--short`, a run that only shows
it still works (its figures mean nothing). Modules without a `__main__` block are its helpers. The
figures themselves are never asserted here: speed is read from the benchmarks, not from tests.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "benchmarks"
TIME_LIMIT_S = 420


def is_script(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in tree.body)


def takes_short(path: Path) -> bool:
    return '"--short"' in path.read_text(encoding="utf-8")


SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if is_script(p))


def test_the_benchmarks_are_found():
    names = {p.name for p in SCRIPTS}
    assert {"call_latency.py", "kiosk_flow.py", "print_ticket.py", "demo_start.py", "booking.py"} <= names
    assert "raw_http.py" not in names, "a helper module is not a benchmark"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_runs_in_its_short_mode(script, tmp_path):
    if not takes_short(script):
        pytest.skip(f"{script.name} has no --short mode yet: its owner adds one (see the report)")
    if "valgrind" in script.read_text(encoding="utf-8") and shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed (apt-get install valgrind)")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("DISPLAY", None)  # each starts its own Xvfb where it needs a screen
    done = subprocess.run([sys.executable, str(script), "--short"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=TIME_LIMIT_S)
    assert done.returncode == 0, f"{script.name} --short failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.stdout.strip(), f"{script.name} printed no figures"
