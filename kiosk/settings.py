"""Settings from a TOML file, then environment variables, then command-line options.

Every key is checked by ``kiosk.machine_config``; each, with its variable and default, is in the README.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from kiosk import machine_config
from kiosk.config_fields import Problem
from kiosk.machine_config import ConfigError, SettingsError

__all__ = ["Settings", "SettingsError", "ConfigError", "load_settings"]


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    db_url: str | None = None  # None: SQLite file under data_dir
    host: str = "127.0.0.1"
    port: int = 8080
    timezone: str = "Asia/Shanghai"
    priority_lead_minutes: int = 15
    rating_window_s: int = 600
    login_max_failures: int = 5
    login_lock_s: int = 60
    session_silent_s: int = 90  # a window terminal not heard this long is gone: its helper is signed out
    public_base_url: str = ""  # what receipts' QR codes point at; empty: http://host:port
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / 'bangban.sqlite3').resolve()}"

    @property
    def public_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"


ENV = {
    "data_dir": "BANGBAN_DATA", "db_url": "BANGBAN_DB", "host": "BANGBAN_HOST",
    "port": "BANGBAN_PORT", "timezone": "BANGBAN_TIMEZONE",
    "priority_lead_minutes": "BANGBAN_PRIORITY_LEAD_MINUTES",
    "rating_window_s": "BANGBAN_RATING_WINDOW_S", "session_silent_s": "BANGBAN_SESSION_SILENT_S", "public_base_url": "BANGBAN_PUBLIC_URL",
}


def _coerce(name: str, value, source: str):
    if name == "db_url" and value in ("", None):
        return None
    key = machine_config.SERVER[name]
    try:
        value = key.check(value)
    except Problem as exc:
        raise ConfigError(source, [f"{name} = {value!r}（{key.help}）：{exc}"]) from None
    return Path(value) if name == "data_dir" else value


def load_settings(config_file: str | os.PathLike | None = None, role: str = "server",
                  **overrides) -> Settings:
    """The file's ``[server]`` section for the server; the role's other sections, checked, as ``extra``."""
    path = config_file or os.environ.get("BANGBAN_CONFIG")
    sections = machine_config.load(path, role)
    values = dict(sections.pop("server", {}))
    if "data_dir" in values:
        values["data_dir"] = Path(values["data_dir"])
    values["extra"] = sections
    for name, var in ENV.items():
        if os.environ.get(var):
            values[name] = _coerce(name, os.environ[var], f"环境变量 {var}")
    for name, value in overrides.items():
        if value is not None:
            values[name] = _coerce(name, value, "命令行")
    return replace(Settings(), **values)
