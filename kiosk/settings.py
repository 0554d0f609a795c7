"""Settings from a TOML file, then environment variables, then command-line options.

Every key, its variable and its default are listed in ``FIELDS`` and in the README.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


class SettingsError(ValueError):
    """A mistake in the configuration, said so a person can fix it."""


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
    "rating_window_s": "BANGBAN_RATING_WINDOW_S", "public_base_url": "BANGBAN_PUBLIC_URL",
}


def _coerce(name: str, value):
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind == "int":
            value = int(value)
            if name == "port" and not 0 < value < 65536:
                raise ValueError
            return value
        if kind == "Path":
            return Path(value)
        return None if value in ("", None) and name == "db_url" else str(value)
    except (TypeError, ValueError):
        raise SettingsError(f"配置项 {name} 的值 {value!r} 不正确") from None


def load_settings(config_file: str | os.PathLike | None = None, **overrides) -> Settings:
    values: dict = {}
    path = config_file or os.environ.get("BANGBAN_CONFIG")
    if path:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"找不到配置文件 {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"配置文件 {path} 格式错误：{exc}") from None
        known = {f.name for f in fields(Settings)} - {"extra"}
        server = raw.pop("server", {})
        for key, value in server.items():
            if key not in known:
                raise SettingsError(f"配置文件 {path} 中有未知的配置项 server.{key}")
            values[key] = _coerce(key, value)
        values["extra"] = raw  # other sections belong to the clients and devices
    for name, var in ENV.items():
        if os.environ.get(var):
            values[name] = _coerce(name, os.environ[var])
    for name, value in overrides.items():
        if value is not None:
            values[name] = _coerce(name, value)
    return replace(Settings(), **values)
