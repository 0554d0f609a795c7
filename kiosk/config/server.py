"""The server's settings: ``[server]`` and ``[calendar]`` of its TOML, then environment variables,
then command-line options (read by ``kiosk.config.roles``, which declares the other roles).

A new setting is one line in ``ServerSection``: its type, default, meaning, and optionally an
environment variable and a command-line option; then a line in systemd/config/server.toml and in
the README's Settings table (tests/config/test_server_settings.py holds both to this declaration).
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from kiosk.config.fields import (
    ConfigError, DatabaseUrl, Dates, Directory, Int, Port, Section, SettingsError, Text, Timezone, UrlOrEmpty, setting,
)
from kiosk.domain.booking_rules import Timing
from kiosk.domain.working_days import Calendar

__all__ = ["CalendarSection", "ConfigError", "ServerSection", "Settings", "SettingsError", "load_settings"]


class ServerSection(Section):
    data_dir: Directory = setting(Path("data"), "数据目录", env="BANGBAN_DATA", option="--data")
    db_url: DatabaseUrl = setting(None, "数据库地址（默认为数据目录下的 SQLite）", env="BANGBAN_DB", option="--db")
    host: Text = setting("127.0.0.1", "监听地址", env="BANGBAN_HOST", option="--host", max_length=100)
    port: Port = setting(8080, "监听端口", env="BANGBAN_PORT", option="--port")
    timezone: Timezone = setting("Asia/Shanghai", "大厅所在时区", env="BANGBAN_TIMEZONE")
    priority_lead_minutes: Int = setting(15, "优先人群提前的分钟数", env="BANGBAN_PRIORITY_LEAD_MINUTES", ge=0, le=120)
    booking_checkin_window_minutes: Int = setting(
        120, "预约签到最早可提前的分钟数（更早则请其到时再来）", env="BANGBAN_BOOKING_CHECKIN_WINDOW_MINUTES", ge=0, le=720)
    booking_grace_minutes: Int = setting(15, "预约时段开始后仍按预约签到的分钟数（更晚则取普通号）",
                                         env="BANGBAN_BOOKING_GRACE_MINUTES", ge=0, le=240)
    booking_lead_minutes: Int = setting(15, "预约号在时段开始前多少分钟起可叫、并排在其后取号者之前",
                                        env="BANGBAN_BOOKING_LEAD_MINUTES", ge=0, le=120)
    rating_window_s: Int = setting(600, "办结后可评价的秒数", env="BANGBAN_RATING_WINDOW_S", ge=60, le=3600)
    login_max_failures: Int = setting(5, "允许连续输错密码的次数", ge=1, le=20)
    login_lock_s: Int = setting(60, "输错后首次锁定的秒数", ge=10, le=3600)
    session_silent_s: Int = setting(90, "窗口终端多少秒没有请求即视为已离开，其登录随之结束",
                                    env="BANGBAN_SESSION_SILENT_S", ge=5, le=3600)
    public_base_url: UrlOrEmpty = setting("", "小票二维码指向的地址（默认 http://host:port）", env="BANGBAN_PUBLIC_URL")
    max_json_bytes: Int = setting(256 * 1024, "请求内容（材料页以外）的字节上限", env="BANGBAN_MAX_JSON_BYTES",
                                  ge=16 * 1024, le=16 * 1024 * 1024)
    max_page_bytes: Int = setting(10 * 1024 * 1024, "每页材料的字节上限", env="BANGBAN_MAX_PAGE_BYTES",
                                  ge=64 * 1024, le=100 * 1024 * 1024)
    max_pages_per_ticket: Int = setting(30, "每个号码可上传的材料页数上限", env="BANGBAN_MAX_PAGES_PER_TICKET", ge=1, le=1000)
    kiosk_tickets_per_minute: Int = setting(30, "每台自助机每分钟可取号的上限", env="BANGBAN_KIOSK_TICKETS_PER_MINUTE",
                                            ge=1, le=100_000)
    citizen_bookings_per_minute: Int = setting(10, "每个网络地址每分钟可在预约页提交预约的上限",
                                               env="BANGBAN_CITIZEN_BOOKINGS_PER_MINUTE", ge=1, le=100_000)
    metrics_token: str = setting("", "访问 /metrics 所需的令牌（留空：只允许本机访问）", env="BANGBAN_METRICS_TOKEN",
                                  max_length=200)
    central_url: UrlOrEmpty = setting("", "中心服务器地址：本机是某个大厅的厅内服务器时填写（留空：本机即中心服务器）",
                                      env="BANGBAN_CENTRAL_URL")
    central_token: str = setting("", "厅内服务器在中心服务器的令牌（在中心执行 bangban device add --kind hall_server）",
                                 env="BANGBAN_CENTRAL_TOKEN", max_length=200)
    hall_code: str = setting("", "厅内服务器所服务的大厅代码", env="BANGBAN_HALL_CODE", max_length=32)
    hall_node: Int = setting(0, "厅内服务器编号（1 到 127，各厅不同；中心服务器为 0）", env="BANGBAN_HALL_NODE", ge=0, le=127)
    hall_link_batch_records: Int = setting(2000, "厅内服务器每批上传的记录数上限（线路慢时调小）",
                                           env="BANGBAN_HALL_LINK_BATCH_RECORDS", ge=10, le=10_000)
    hall_link_down_minutes: Int = setting(10, "厅内服务器与中心断开多少分钟后在督查页面和 doctor 中标出",
                                          env="BANGBAN_HALL_LINK_DOWN_MINUTES", ge=1, le=7 * 24 * 60)

    @classmethod
    def across(cls, raw: dict) -> list[str]:
        """A hall server needs its token, hall and node; the centre none of them."""
        if not raw.get("central_url"):
            return []
        missing = [key for key in ("central_token", "hall_code") if not raw.get(key)]
        if not str(raw.get("hall_node", "")).strip().isdigit() or int(raw["hall_node"]) < 1:
            missing.append("hall_node")  # a number badly written is named by its own check too
        return [f"设置了 central_url（本机为厅内服务器），还须设置：{'、'.join(missing)}"] if missing else []


class CalendarSection(Section):
    national: bool = setting(True, "按国务院公布的节假日与调休计算工作日（chinese-calendar）")
    holidays: Dates = setting([], "本厅另外不办公的日子")
    workdays: Dates = setting([], "本厅另外办公的日子（如尚未收录年份的调休）")


class Settings(ServerSection):
    """What the server runs with: its ``[server]`` keys, and the ``[calendar]`` beside them."""
    calendar: CalendarSection = CalendarSection()

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / 'bangban.sqlite3').resolve()}"

    @property
    def public_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @property
    def is_hall_server(self) -> bool:
        return bool(self.central_url)

    def booking_timing(self) -> Timing:
        return Timing(checkin_window=timedelta(minutes=self.booking_checkin_window_minutes),
                      grace=timedelta(minutes=self.booking_grace_minutes))

    def working_days(self) -> Calendar:
        """The hall's calendar of working days: China's, with the hall's own days on top."""
        return Calendar.from_config(self.calendar.holidays, self.calendar.workdays, self.calendar.national)


def load_settings(config_file: str | os.PathLike | None = None, **options) -> Settings:
    """The server's settings: the file (``config_file``, else ``BANGBAN_CONFIG``), the environment,
    then ``options`` by key (``port=9003``; None is left out)."""
    from kiosk.config import roles

    path = config_file or os.environ.get("BANGBAN_CONFIG") or None
    config = roles.load(path, "server", {f"server.{k}": v for k, v in options.items()})
    return Settings(**dict(config.server), calendar=config.calendar)
