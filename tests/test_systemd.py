"""Every unit passes systemd-analyze verify (with ExecStart pointed at this checkout's bangban)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = sorted(p for p in (Path(__file__).parents[1] / "systemd").iterdir() if ".service" in p.name)
BANGBAN = Path(sys.executable).with_name("bangban")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_unit_verifies(unit, tmp_path):
    text = unit.read_text().replace("/opt/bangban/.venv/bin/bangban", str(BANGBAN))
    name = unit.name.replace("@.service", "@3.service")  # a template is verified as an instance
    (tmp_path / unit.name).write_text(text)
    if name != unit.name:
        (tmp_path / name).symlink_to(tmp_path / unit.name)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / name)],
                            capture_output=True, text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "dev-bangban" not in line]  # the pad's device exists only on a hall machine
    assert result.returncode == 0 or not problems, problems
    assert not problems, problems


def test_units_restart_and_are_hardened():
    for unit in UNITS:
        text = unit.read_text()
        assert "Restart=always" in text and "StartLimitBurst=" in text, unit.name
        assert "NoNewPrivileges=yes" in text and "ProtectSystem=strict" in text, unit.name
        assert "User=bangban" in text, unit.name


SETUP = Path(__file__).parents[1] / "systemd" / "setup-machine.sh"


def setup_machine(root, *roles):
    return subprocess.run(["sh", str(SETUP), "--root", str(root), *roles], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.skipif(shutil.which("systemd-sysusers") is None or shutil.which("systemctl") is None,
                    reason="systemd-sysusers and systemctl are needed to set up a machine image")
def test_setting_up_a_window_machine_makes_the_user_the_groups_the_units_and_the_config(tmp_path):
    root = tmp_path / "root"
    done = setup_machine(root, "display", "window:3,4", "pad:3")
    assert done.returncode == 0, done.stderr
    groups = {line.split(":")[0]: line.split(":")[3].split(",") for line in (root / "etc/group").read_text().splitlines()}
    for group in ("dialout", "lp", "video", "audio", "plugdev"):
        assert "bangban" in groups[group], group
    assert "/usr/sbin/nologin" in next(line for line in (root / "etc/passwd").read_text().splitlines()
                                       if line.startswith("bangban:"))
    assert oct((root / "etc/bangban").stat().st_mode)[-3:] == "750"
    wants = {p.name for p in (root / "etc/systemd/system").glob("*.target.wants/*")}
    assert wants == {"bangban-display.service", "bangban-window@3.service", "bangban-window@4.service",
                     "bangban-pad@3.service"}
    assert (root / "etc/udev/rules.d/99-bangban.rules").exists()
    from kiosk.config.roles import load

    for role in ("display", "window", "pad"):
        assert load(root / f"etc/bangban/{role}.toml", role) is not None
    edited = root / "etc/bangban/window.toml"
    edited.write_text('[client]\nserver = "http://10.0.0.2:8080"\n')
    again = setup_machine(root, "window:5")
    assert again.returncode == 0 and "kept" in again.stdout
    assert edited.read_text() == '[client]\nserver = "http://10.0.0.2:8080"\n'  # never overwritten


def test_setting_up_refuses_an_unknown_role_or_a_window_without_a_number(tmp_path):
    assert setup_machine(tmp_path, "printer").returncode == 2
    assert setup_machine(tmp_path, "window").returncode == 2
    assert setup_machine(tmp_path, "pad:three").returncode == 2
    assert not (tmp_path / "etc").exists()  # nothing was written
