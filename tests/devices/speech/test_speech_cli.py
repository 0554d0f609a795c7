"""`python -m devices.speech A012 3 --out DIR`: the demo's way to hear (or keep) calls."""

import json
import shutil

import pytest

from devices.speech.__main__ import main

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is not installed (apt-get install espeak-ng)")


def test_calls_into_a_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["A012", "3", "B100", "12", "--out", str(tmp_path / "calls"), "--gap", "0"]) == 0
    out = capsys.readouterr().out
    assert "请 A012 号到 3 号窗口办理" in out and "请 B100 号到 12 号窗口办理" in out
    played = [json.loads(line) for line in
              (tmp_path / "calls" / "played.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [p["label"] for p in played] == [
        "A012-w3-say1", "A012-w3-say2", "B100-w12-say1", "B100-w12-say2"]
    assert (tmp_path / "cache" / "bangban" / "speech" / "calls").is_dir()


def test_a_bad_number_is_said_in_chinese_and_fails(tmp_path, capsys):
    assert main(["A-12", "3", "--out", str(tmp_path)]) == 1
    assert "票号格式不对" in capsys.readouterr().out
