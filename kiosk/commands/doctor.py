"""`bangban doctor`: checks what a hall machine needs and prints a report a person can act on.

Each check answers (ok, what it found); a check whose device is not configured is skipped.
"""
from __future__ import annotations

import email.utils
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import requests

RARE_NAME = "刘䶮 周𠮷"
MAX_CLOCK_SKEW_S = 5.0


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool | None  # None: skipped
    message: str


def check_server(server: str | None, token: str | None) -> list[Finding]:
    if not server:
        return [Finding("服务器", None, "未配置（--server）")]
    try:
        health = requests.get(server.rstrip("/") + "/healthz", timeout=5)
    except requests.RequestException as exc:
        return [Finding("服务器", False, f"连不上 {server}：{exc.__class__.__name__}，请检查网络和服务器")]
    found = [Finding("服务器", health.status_code == 200,
                     "正常" if health.status_code == 200 else f"数据库不可用（HTTP {health.status_code}）")]
    served = health.headers.get("date")
    if served:
        skew = abs(email.utils.parsedate_to_datetime(served).timestamp() - time.time())
        found.append(Finding("时钟", skew <= MAX_CLOCK_SKEW_S,
                             f"与服务器相差 {skew:.0f} 秒" + ("" if skew <= MAX_CLOCK_SKEW_S else "，请校准时间（NTP）")))
    if token:
        me = requests.get(server.rstrip("/") + "/api/v1/windows", timeout=5,
                          headers={"Authorization": f"Bearer {token}"})
        found.append(Finding("设备令牌", me.status_code == 200,
                             "有效" if me.status_code == 200 else "无效或已停用，请用 bangban device add 重新生成"))
    return found


def check_config(path: str | None, role: str | None) -> tuple[Finding, Any]:
    """This machine's TOML, checked with the declaration its program reads it with; and the
    configuration it gives (None when there is none, or it has mistakes)."""
    from kiosk.config import roles

    if not path:
        return Finding("配置文件", None, "未指定（--config）"), None
    try:
        config = roles.check_file(role, path)
    except roles.ConfigError as exc:
        return Finding("配置文件", False, "；".join(exc.problems)), None
    return Finding("配置文件", True, f"{path} 正确（{roles.ROLE_NAMES[role]}）"), config


def check_working_days(settings, today: date | None = None) -> Finding:
    """Whether the deadlines the server gives (承诺时限) fall in years whose State Council holidays
    and 调休 the chinese-calendar package knows: past them only weekends and the hall's own days count."""
    from sqlalchemy import create_engine, text

    calendar, today = settings.working_days(), today or date.today()
    if not calendar.national:
        return Finding("工作日历", None, "未按国务院节假日计算（[calendar] national = false）")
    last = calendar.last_known_year
    url = settings.database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return Finding("工作日历", None, f"数据库尚未建立（{url}）")
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            longest = db.execute(text("SELECT max(time_limit_days) FROM matters")).scalar() or 0
            later = db.execute(text("SELECT count(*) FROM cases WHERE deadline > :last AND closed_at IS NULL"),
                               {"last": date(last, 12, 31)}).scalar() or 0
    except Exception as exc:  # noqa: BLE001 - no database yet, or it is away: say so, check the rest
        return Finding("工作日历", None, f"无法读取数据库（{exc.__class__.__name__}）")
    finally:
        engine.dispose()
    furthest = calendar.add_working_days(today, longest)
    if not later and not calendar.beyond_known(furthest):
        return Finding("工作日历", True, f"国务院节假日与调休已收录到 {last} 年，最长时限 {longest} 个工作日至 {furthest}")
    said = [f"{later} 件未办结代办件的承诺时限" if later else "",
            f"今天受理的 {longest} 个工作日时限（至 {furthest}）" if calendar.beyond_known(furthest) else ""]
    return Finding("工作日历", False, f"{'、'.join(s for s in said if s)}落在 {last} 年以后，chinese-calendar 只收录到 "
                                   f"{last} 年：这些日子只扣除周末和 [calendar] 所写的日子。请升级 chinesecalendar，"
                                   "或把国务院公布的放假与调休写进 [calendar] holidays 与 workdays")


def check_hall_links(settings) -> list[Finding]:
    """Each hall server's link (at the centre), or this hall server's own: up or down, what waits."""
    from kiosk.server.db import Database
    from kiosk.server.sync import status

    database = Database(settings.database_url)
    try:
        with database.read() as db:
            found = status.links(db, settings)
    except Exception as exc:  # no schema yet, the database away: said, not raised
        return [Finding("厅内服务器连接", False, f"读不到连接状态：{exc.__class__.__name__}")]
    finally:
        database.dispose()
    if not found:
        return [Finding("厅内服务器连接", None, "本中心没有厅内服务器")]
    return [Finding(f"厅内服务器连接（{link.hall_name}）", not link.flagged, link_words(link)) for link in found]


def link_words(link) -> str:
    """A link in a sentence a person can act on."""
    said = "连接正常" if link.state == "up" else "已断开"
    if link.backlog_records:
        said += f"，积压 {link.backlog_records} 条记录（最早的已等 {link.backlog_s / 60:.0f} 分钟）"
    said += f"；最近一次联系：{link.last_contact_at or '从未联系'}"
    if link.error and link.state != "up":
        said += f"；{link.error}"
    if link.flagged:
        said += "。断开已超过设定时间，请检查本厅到中心的网络"
    return said


def check_clock_sync() -> Finding:
    if shutil.which("timedatectl") is None:
        return Finding("时间同步", None, "无法检查（没有 timedatectl）")
    try:
        out = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                             capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return Finding("时间同步", None, "无法检查（timedatectl 没有回答）")
    if out not in ("yes", "no"):
        return Finding("时间同步", None, "无法检查（本机没有运行 systemd-timedated）")
    return Finding("时间同步", out == "yes", "已与 NTP 同步" if out == "yes" else "未与 NTP 同步，请开启 systemd-timesyncd")


def check_fonts() -> Finding:
    from kiosk.ui.common.fonts import FontMissing, cjk_chain

    try:
        missing = cjk_chain().missing(RARE_NAME)
    except FontMissing as exc:
        return Finding("中文字体", False, str(exc))
    return Finding("中文字体", not missing, "常用字和生僻字（䶮、𠮷）都能显示" if not missing
                   else f"缺少字形：{missing}，请安装 fonts-noto-cjk")


def check_mongolian(language: str = "zh") -> Finding:
    """The Mongolian font and shaping: a fault where the hall's language needs them ([hall] language)."""
    from devices.text import mongolian_font_usable
    from kiosk.domain.words_mn import needing_review

    missing = mongolian_font_usable()
    if missing:
        return Finding("蒙古文", False if language == "mn-zh" else None,
                       missing if language == "mn-zh" else f"仅中文大厅不需要；{missing}")
    waiting = len(needing_review())
    return Finding("蒙古文", True, "蒙古文字体与连写排版正常" + (f"；{waiting} 条蒙古文译文待审校（kiosk/domain/words_mn.py）"
                                                       if waiting and language == "mn-zh" else ""))


def check_printer(config: dict | None) -> Finding:
    if not config:
        return Finding("小票打印机", None, "未配置")
    from devices.printer import PrinterError, ReceiptPrinter

    try:
        status = ReceiptPrinter(config).status()
    except PrinterError as exc:
        return Finding("小票打印机", False, exc.message)
    if not status.checked:
        return Finding("小票打印机", None, "此打印机不回报状态")
    problems = [text for flag, text in ((status.paper_out, "缺纸"), (status.cover_open, "上盖未合"),
                                        (not status.online, "离线"), (status.paper_near_end, "纸将用完"))
                if flag]
    return Finding("小票打印机", not problems or problems == ["纸将用完"], "、".join(problems) or "正常")


def check_camera(device: str | None) -> Finding:
    if device is None:
        return Finding("高拍仪", None, "未配置")
    from devices.camera import CameraSource, FileSource
    from devices.errors import DeviceError

    device = str(device)
    if device.isdigit() or device.startswith("/dev/"):
        source = CameraSource(int(device) if device.isdigit() else device)
    else:
        source = FileSource(device)
    try:
        source.open()
        frame = source.read()
    except DeviceError as exc:
        return Finding("高拍仪", False, exc.message)
    finally:
        source.close()
    return Finding("高拍仪", True, f"取到画面 {frame.shape[1]}×{frame.shape[0]}")


def check_pad(port: str | None, wait_s: float = 3.0) -> Finding:
    if not port:
        return Finding("评价器", None, "未配置")
    from devices.ratepad import RatePad

    with RatePad(port) as pad:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and not pad.connected:
            time.sleep(0.1)
        ok = pad.connected
    return Finding("评价器", ok, "有心跳" if ok else f"{port} 没有回应，请检查评价器的线和电源")


def run(checks: list[Callable[[], list[Finding] | Finding]]) -> tuple[list[Finding], bool]:
    findings: list[Finding] = []
    for check in checks:
        result = check()
        findings.extend(result if isinstance(result, list) else [result])
    return findings, all(f.ok is not False for f in findings)


def report(findings: list[Finding]) -> str:
    marks = {True: "正常", False: "故障", None: "跳过"}
    return "\n".join(f"[{marks[f.ok]}] {f.check}：{f.message}" for f in findings)
