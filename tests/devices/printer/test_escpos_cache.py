"""Terminals started together on a new machine share python-escpos's capabilities cache: none of
them may read a half-written one (the demo starts four at once)."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys

IMPORT_AND_USE = "import devices.printer; from escpos.capabilities import get_profile; print(get_profile('default').profile_data['name'])"


def test_terminals_starting_at_once_on_an_empty_cache_all_start(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    starts = [subprocess.Popen([sys.executable, "-c", IMPORT_AND_USE], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(6)]
    results = [(p.wait(60), *p.communicate()) for p in starts]
    assert all(code == 0 for code, _out, _err in results), [err[-400:] for code, _out, err in results if code]
    assert {out.strip() for _code, out, _err in results} == {"Default"}


def test_the_cache_holds_what_python_escpos_itself_reads(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    subprocess.run([sys.executable, "-c", "import devices.printer"], env=env, check=True)
    [cached] = (tmp_path / "cache" / "bangban" / "escpos").glob("*.capabilities.pickle")
    (tmp_path / "own").mkdir()
    own = subprocess.run([sys.executable, "-c", "import pickle, sys; from escpos import capabilities as c; "
                          "sys.stdout.buffer.write(pickle.dumps(c.CAPABILITIES))"],
                         env={**os.environ, "ESCPOS_CAPABILITIES_PICKLE_DIR": str(tmp_path / "own")},
                         capture_output=True)
    assert own.returncode == 0, own.stderr
    assert pickle.loads(cached.read_bytes()) == pickle.loads(own.stdout)
