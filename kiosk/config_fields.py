"""What a configuration value may be: each check takes the value from the TOML file (or an
environment variable, always a string) and returns it coerced, or raises ``Problem`` with a
sentence a hall's technician can act on."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Problem(ValueError):
    pass


Check = Callable[[Any], Any]


@dataclass(frozen=True)
class Key:
    check: Check
    help: str  # what the key means, shown in the message about it


def _number(value, kind):
    if isinstance(value, bool):
        raise Problem("应为数字，不是 true/false")
    if isinstance(value, str):
        try:
            return kind(value.strip())
        except ValueError:
            raise Problem("应为数字") from None
    if kind is int and isinstance(value, float):
        if value != int(value):
            raise Problem("应为整数")
        return int(value)
    if not isinstance(value, (int, float)):
        raise Problem("应为数字")
    return kind(value)


def _in_range(kind, low, high) -> Check:
    def check(value):
        number = _number(value, kind)
        if not low <= number <= high:
            raise Problem(f"应在 {low:g}–{high:g} 之间")
        return number
    return check


def integer(low: int, high: int) -> Check:
    return _in_range(int, low, high)


def decimal(low: float, high: float) -> Check:
    return _in_range(float, low, high)


port = integer(1, 65535)


def boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    raise Problem("应为 true 或 false")


def text(max_length: int = 200, *, required: bool = False) -> Check:
    def check(value):
        if not isinstance(value, str):
            raise Problem("应为带引号的文字")
        if required and not value.strip():
            raise Problem("不能为空")
        if len(value) > max_length:
            raise Problem(f"太长：最多 {max_length} 个字")
        return value
    return check


def choice(*options) -> Check:
    def check(value):
        if value not in options:
            raise Problem(f"应为 {'、'.join(map(str, options))} 之一")
        return value
    return check


def path(value):
    if not isinstance(value, str) or not value.strip():
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
    if not isinstance(value, str) or not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
        raise Problem("应为 sqlite:///路径 或 postgresql+psycopg://用户@主机/库名")
    return value


def device_token(value):
    if not isinstance(value, str) or not re.fullmatch(r"bbd_[A-Za-z0-9_-]{20,}", value.strip()):
        raise Problem("不是设备令牌：令牌以 bbd_ 开头，由 bangban device add 生成")
    return value.strip()


def pin(value):
    if not isinstance(value, str) or not re.fullmatch(r"\d{4,12}", value):
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
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 63:
        return value
    if isinstance(value, str) and value.startswith("/dev/"):
        return value
    raise Problem("应为摄像头编号（0、1…）或设备路径（如 \"/dev/bangban-camera\"）")


def existing_dir(value):
    value = path(value)
    if not Path(value).is_dir():
        raise Problem(f"目录 {value} 不存在")
    return value
