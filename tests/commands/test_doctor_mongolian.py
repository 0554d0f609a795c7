"""bangban doctor on a machine of an Inner Mongolian hall: it says whether Mongolian can be shown."""
import subprocess
import sys

from kiosk.commands.doctor import check_mongolian


def doctor(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kiosk.commands.cli", "doctor", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_doctor_says_when_the_mongolian_font_is_missing(tmp_path, monkeypatch):
    assert check_mongolian("mn-zh").ok is True
    monkeypatch.setattr("devices.text.mongolian_font.DEFAULT_FONTS", ())
    monkeypatch.setenv("BANGBAN_MONGOLIAN_FONT", str(tmp_path / "absent.ttf"))
    missing = check_mongolian("mn-zh")
    assert missing.ok is False and "fonts-noto-core" in missing.message
    assert check_mongolian("zh").ok is None  # a Chinese-only hall does not need it


def test_the_doctor_command_checks_mongolian_for_the_machines_hall(tmp_path):
    config = tmp_path / "display.toml"
    config.write_text('[client]\nserver = "http://127.0.0.1:9"\n\n[hall]\nlanguage = "mn-zh"\n', encoding="utf-8")
    out = doctor("--config", str(config)).stdout
    assert "[正常] 蒙古文：蒙古文字体与连写排版正常" in out and "待审校" in out, out
