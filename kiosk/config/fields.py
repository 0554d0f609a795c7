"""What a configuration value may be, and how one setting is declared.

A setting is one line of a section (``kiosk/config/roles.py``, ``kiosk/config/server.py``)::

    port: Port = setting(8080, "监听端口", env="BANGBAN_PORT", option="--port")

its type (below, or a plain one with ``ge``/``le``/``max_length``), default, meaning (shown in
every message about it), and where else it may come from: an environment variable, a command-line
option. The types check a value from the TOML file, the environment (always a string) or the
command line, and say what is wrong in a sentence a hall's technician can act on.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, core_schema

_BUILT_IN = set(get_args(core_schema.ErrorType))


class Problem(ValueError):
    """What is wrong with one value."""


class SettingsError(ValueError):
    """A mistake in the configuration, said so a person can fix it."""


class ConfigError(SettingsError):
    """Every mistake in one machine's configuration, one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        super().__init__(f"{source} 有 {len(problems)} 处错误：\n" + "\n".join(f"  · {p}" for p in problems))


def setting(default: Any, meaning: str, *, env: str | None = None, option: str | None = None,
            needed: str | None = None, **constraints: Any) -> Any:
    """One setting's declaration. ``needed``: the program cannot start without it (a token):
    what to tell the person, checked at start, not by check-config (it may come from elsewhere)."""
    extra = {k: v for k, v in (("env", env), ("option", option), ("needed", needed)) if v}
    return Field(default, description=meaning, json_schema_extra=extra or None, **constraints)


def _checked(check) -> BeforeValidator:
    def run(value):
        try:
            return check(value)
        except Problem as exc:
            raise PydanticCustomError("bangban", str(exc)) from None
    return BeforeValidator(run)


class Section(BaseModel):
    """One ``[section]`` of a machine's TOML: unknown keys are mistakes. A section whose keys
    depend on each other says so in ``across`` (given the raw keys, the problems), so those are
    named together with every other mistake of the file."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def across(cls, raw: dict) -> list[str]:
        return []

    @model_validator(mode="wrap")
    @classmethod
    def _with_across(cls, data, handler):
        found = [{"type": PydanticCustomError("bangban_across", said), "loc": (), "input": data}
                 for said in (cls.across(data) if isinstance(data, dict) else [])]
        try:
            section = handler(data)
        except ValidationError as exc:
            errors = [{"type": e["type"] if e["type"] in _BUILT_IN else PydanticCustomError(e["type"], e["msg"]),
                       "loc": e["loc"], "input": e["input"], "ctx": e.get("ctx", {})} for e in exc.errors()]
            raise ValidationError.from_exception_data(cls.__name__, errors + found) from None
        if found:
            raise ValidationError.from_exception_data(cls.__name__, found)
        return section


# ---- checks with their own words --------------------------------------------------------

def _number(value):
    if isinstance(value, bool):
        raise Problem("应为数字，不是 true/false")
    return value


def _non_blank(value):
    if isinstance(value, str) and not value.strip():
        raise Problem("不能为空")
    return value


def path(value):
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise Problem("应为带引号的文件或目录路径")
    return value


def url(value):
    if not isinstance(value, str):
        raise Problem("应为带引号的网址")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Problem("应为 http:// 或 https:// 开头的网址，如 http://192.168.1.10:8080")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise Problem("网址中的端口应在 1–65535 之间") from None
    return value.strip().rstrip("/")


def url_or_empty(value):
    return "" if value == "" else url(value)


def database_url(value):
    if value in ("", None):
        return None
    if not isinstance(value, str) or not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
        raise Problem("应为 sqlite:///路径 或 postgresql+psycopg://用户@主机/库名")
    return value


def device_token(value):
    if not isinstance(value, str) or not re.fullmatch(r"bbd_[A-Za-z0-9_-]{20,}", value.strip()):
        raise Problem("不是设备令牌：令牌以 bbd_ 开头，由 bangban device add 生成")
    return value.strip()


def pin(value):
    if not isinstance(value, str) or not re.fullmatch(r"(\d{4,12})?", value):
        raise Problem("应为带引号的 4–12 位数字，如 \"2468\"")
    return value


def timezone(value):
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise Problem("不是时区名，应如 \"Asia/Shanghai\"") from None
    return str(value)


def dates(value):
    if not isinstance(value, list):
        raise Problem("应为日期列表，如 [\"2026-10-01\", \"2026-10-02\"]")
    out = []
    for item in value:
        try:
            out.append(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            raise Problem(f"{item!r} 不是日期，应写成 \"2026-10-01\"") from None
    return out


def strings(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Problem("应为带引号的文字列表，如 [\"a\", \"b\"]")
    return value


def window_size(value):
    """"1080x1920" or [1080, 1920]."""
    if isinstance(value, tuple) and len(value) == 2:
        value = list(value)
    if isinstance(value, str):
        width, _, height = value.lower().partition("x")
        value = [width, height]
    try:
        width, height = (int(n) for n in value)
    except (TypeError, ValueError):
        raise Problem("应为 \"宽x高\"，如 \"1080x1920\"") from None
    if not (320 <= width <= 7680 and 240 <= height <= 7680):
        raise Problem("宽和高应在 320x240 到 7680x7680 之间")
    return (width, height)


def camera_device(value):
    """A camera's index (0, 1 …) or its device node (/dev/bangban-camera)."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 63:
        return value
    if isinstance(value, str) and value.startswith("/dev/"):
        return value
    raise Problem("应为摄像头编号（0、1…）或设备路径（如 \"/dev/bangban-camera\"）")


# ---- the types a setting is declared with -------------------------------------------------

Int = Annotated[int, _checked(_number)]
Float = Annotated[float, _checked(_number)]
Text = Annotated[str, _checked(_non_blank)]  # not empty or only spaces
Port = Annotated[int, _checked(_number), Field(ge=1, le=65535)]
PathText = Annotated[str, _checked(path)]
Directory = Annotated[Path, _checked(path)]
Url = Annotated[str, _checked(url)]
UrlOrEmpty = Annotated[str, _checked(url_or_empty)]
DatabaseUrl = Annotated[str | None, _checked(database_url)]
DeviceToken = Annotated[str, _checked(device_token)]
Pin = Annotated[str, _checked(pin)]
Timezone = Annotated[str, _checked(timezone)]
Dates = Annotated[list[date], _checked(dates)]
Strings = Annotated[list[str], _checked(strings)]
WindowSize = Annotated[tuple[int, int], _checked(window_size)]
CameraDevice = Annotated[int | str, _checked(camera_device)]


# ---- pydantic's own findings, said in Chinese ----------------------------------------------

def _bounds(field: FieldInfo | None) -> tuple[Any, Any]:
    low = high = None
    for item in field.metadata if field else ():
        low, high = getattr(item, "ge", low), getattr(item, "le", high)
    return low, high


def _choices(field: FieldInfo | None) -> list:
    pending, found = [field.annotation] if field else [], []
    while pending:
        kind = pending.pop()
        if get_origin(kind) is Literal:
            found += get_args(kind)
        else:
            pending += get_args(kind)
    return found


def problem(error: dict, field: FieldInfo | None) -> str:
    """What is wrong, for one of pydantic's errors about the value of ``field``."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("bangban", "bangban_across"):
        return error["msg"]
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _bounds(field)
        if low is not None and high is not None:
            return f"应在 {low:g}–{high:g} 之间"
        return f"应不小于 {low:g}" if low is not None else f"应不大于 {high:g}"
    if kind == "int_from_float":
        return "应为整数"
    if kind.startswith(("int_", "float_")):
        return "应为数字"
    if kind.startswith("bool_"):
        return "应为 true 或 false"
    if kind == "literal_error":
        return f"应为 {'、'.join(map(str, _choices(field)))} 之一"
    if kind == "string_too_long":
        return f"太长：最多 {ctx.get('max_length')} 个字"
    if kind == "string_type":
        return "应为带引号的文字"
    return error["msg"]
