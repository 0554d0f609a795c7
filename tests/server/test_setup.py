"""The admin side: settings, migrations that match the models, the bangban commands."""
import re
import subprocess
import sys
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from kiosk.server.db import migrate
from kiosk.server.models import Base
from kiosk.config.server import SettingsError, load_settings


def bangban(*args, data):
    return subprocess.run([sys.executable, "-m", "kiosk.commands.cli", *args, "--data", str(data)],
                          capture_output=True, text=True, timeout=60)


def test_settings_from_file_then_environment_then_options(tmp_path, monkeypatch):
    config = tmp_path / "server.toml"
    config.write_text('[server]\nport = 9001\ntimezone = "Asia/Urumqi"\n[calendar]\nholidays = ["2026-10-01"]\n',
                      encoding="utf-8")
    monkeypatch.setenv("BANGBAN_PORT", "9002")
    settings = load_settings(config, host="0.0.0.0")
    assert (settings.port, settings.timezone, settings.host) == (9002, "Asia/Urumqi", "0.0.0.0")
    assert settings.calendar.holidays == [date(2026, 10, 1)] and settings.calendar.national
    assert load_settings(config, port=9003).port == 9003


@pytest.mark.parametrize("content, words", [
    ("[server]\nprot = 1\n", "[server] 中没有配置项 prot（是不是 port？）"),
    ("[server]\nport = 70000\n", "port = 70000（监听端口）：应在 1–65535 之间"),
    ("[server\n", "格式错误"),
    ("[kiosk]\nidle_timeout_s = 60\n", "服务器不读配置段 [kiosk]"),
    ('[calendar]\nholidays = ["2026-13-01"]\n', "'2026-13-01' 不是日期"),
])
def test_a_mistake_in_the_settings_is_named(tmp_path, monkeypatch, content, words):
    monkeypatch.delenv("BANGBAN_PORT", raising=False)
    config = tmp_path / "bad.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=re.escape(words)):
        load_settings(config)


def test_migrations_build_exactly_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrate(url)
    migrate(url)  # a second run changes nothing
    engine = create_engine(url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_admin_commands(tmp_path):
    assert bangban("seed-demo", data=tmp_path).returncode == 0
    again = bangban("seed-demo", data=tmp_path)
    assert again.returncode == 0 and "已存在" in again.stdout
    added = bangban("helper", "add", "--code", "2001", "--name", "孙悦", "--pin", "135790", data=tmp_path)
    assert added.returncode == 0, added.stderr
    duplicate = bangban("helper", "add", "--code", "2001", "--name", "孙悦", "--pin", "135790", data=tmp_path)
    assert duplicate.returncode == 2 and "已存在" in duplicate.stderr
    token = bangban("device", "add", "--kind", "pad", "--name", "三号评价器", "--window", "3", data=tmp_path)
    assert token.returncode == 0 and token.stdout.startswith("bbd_") and "只显示这一次" in token.stderr
    no_window = bangban("device", "add", "--kind", "pad", "--name", "x", data=tmp_path)
    assert no_window.returncode == 2 and "窗口" in no_window.stderr
    engine = create_engine(f"sqlite:///{tmp_path / 'bangban.sqlite3'}")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM devices")).scalar()
    assert stored != token.stdout.strip() and len(stored) == 64


def test_a_database_made_by_the_first_migration_upgrades_with_its_records(tmp_path):
    from alembic import command
    from alembic.config import Config

    from kiosk.server.admin import seed_demo
    from kiosk.server.db import MIGRATIONS, Database

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "0001")
    old = Database(url)
    seed_demo(old)  # the demo hall as the first version stored it (no table of the later ones is touched)
    old.dispose()
    migrate(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() != "0001"
        assert conn.execute(text("SELECT count(*) FROM matters")).scalar() == 32
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 0
