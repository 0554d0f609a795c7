"""One TOML file per machine role, checked whole at start.

Each role lists the sections it reads and each section the keys it knows, so a typo, a value
of the wrong kind, a port out of range or a missing token is named, with every other mistake
in the same file, before anything starts. Sections and keys are documented in systemd/etc/.
"""
from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from kiosk import config_fields as f
from kiosk.config_fields import Key, Problem

BACKENDS = ("network", "serial", "usb", "file")
PRINTER_PROFILES = ("generic-80-gb18030", "generic-58-gb18030", "generic-80-gbk", "generic-80-raster",
                    "generic-58-raster")

SERVER = {
    "data_dir": Key(f.path, "数据目录"),
    "db_url": Key(f.database_url, "数据库地址"),
    "host": Key(f.text(100, required=True), "监听地址"),
    "port": Key(f.port, "监听端口"),
    "timezone": Key(f.timezone, "大厅所在时区"),
    "priority_lead_minutes": Key(f.integer(0, 120), "优先人群提前的分钟数"),
    "rating_window_s": Key(f.integer(60, 3600), "办结后可评价的秒数"),
    "login_max_failures": Key(f.integer(1, 20), "允许连续输错密码的次数"),
    "login_lock_s": Key(f.integer(10, 3600), "输错后首次锁定的秒数"),
    "session_silent_s": Key(f.integer(5, 3600), "窗口终端多少秒没有请求即视为已离开，其登录随之结束"),
    "public_base_url": Key(f.url_or_empty, "小票二维码指向的地址"),
}
CALENDAR = {
    "holidays": Key(f.dates, "法定节假日（不计工作日）"),
    "workdays": Key(f.dates, "调休上班的周末"),
}
CLIENT = {
    "server": Key(f.url, "服务器地址"),
    "token": Key(f.device_token, "本机的设备令牌"),
}
HALL = {"name": Key(f.text(60), "大厅名称")}
PRINTER = {
    "backend": Key(f.choice(*BACKENDS), "连接方式"),
    "profile": Key(f.choice(*PRINTER_PROFILES), "打印机型号配置"),
    "host": Key(f.text(100, required=True), "网络打印机地址"),
    "port": Key(f.port, "网络打印机端口"),
    "device": Key(f.path, "串口打印机设备"),
    "baudrate": Key(f.choice(9600, 19200, 38400, 57600, 115200), "串口波特率"),
    "usb_vendor": Key(f.integer(0, 0xFFFF), "USB 厂商号"),
    "usb_product": Key(f.integer(0, 0xFFFF), "USB 产品号"),
    "path": Key(f.path, "打印机设备文件"),
    "timeout_s": Key(f.decimal(0.2, 60), "连接与等待应答的秒数"),
    "fonts": Key(f.strings, "图像打印用的字体文件"),
}
CAMERA = {
    "device": Key(f.camera_device, "高拍仪摄像头"),
    "file": Key(f.path, "代替摄像头的视频或图片目录（模拟器）"),
    "width": Key(f.integer(160, 10000), "拍摄宽度（像素）"),
    "height": Key(f.integer(120, 10000), "拍摄高度（像素）"),
    "retry_s": Key(f.decimal(0.1, 30), "摄像头断开后重试的间隔秒数"),
}
KIOSK = {
    "elder_mode": Key(f.boolean, "默认适老模式"),
    "admin_pin": Key(f.pin, "管理员退出密码"),
    "idle_timeout_s": Key(f.decimal(15, 3600), "无人操作后回到首页的秒数"),
    "hall_name": Key(f.text(60), "首页显示的大厅名称"),
    "size": Key(f.window_size, "不全屏时的窗口大小"),
    "speech": Key(f.boolean, "适老模式的语音提示"),
    "printer_check_s": Key(f.decimal(1, 600), "打印机故障复查间隔秒数"),
    "recover_within_s": Key(f.decimal(0, 86400), "重启后补打多久以内的小票"),
}
WINDOW = {
    "number": Key(f.integer(1, 999), "窗口号"),
    "fullscreen": Key(f.boolean, "全屏"),
}
DISPLAY = {
    "notice": Key(f.text(300), "大屏底部的滚动提示"),
    "fullscreen": Key(f.boolean, "全屏"),
}
SPEECH = {
    "engine": Key(f.choice("espeak", "segments"), "语音引擎"),
    "volume": Key(f.decimal(0, 1), "音量（0–1）"),
    "repeat": Key(f.integer(0, 5), "每次叫号重复的次数"),
    "gap_s": Key(f.decimal(0, 10), "两次播报之间的秒数"),
    "chime": Key(f.boolean, "叫号前的提示音"),
    "one_as_yao": Key(f.boolean, "数字 1 读作“幺”"),
    "voice": Key(f.text(60, required=True), "espeak-ng 的声音"),
    "speed_wpm": Key(f.integer(80, 300), "语速"),
    "pitch": Key(f.integer(0, 99), "音调"),
    "pause_s": Key(f.decimal(0, 2), "号码后的停顿秒数"),
    "espeak_binary": Key(f.path, "espeak-ng 程序"),
    "segments_dir": Key(f.path, "录音片段目录"),
    "cache_dir": Key(f.path, "语音缓存目录"),
}
PAD = {
    "window": Key(f.integer(1, 999), "评价器所在的窗口号"),
    "port": Key(f.path, "评价器串口，如 /dev/bangban-pad3"),
    "timeout_s": Key(f.decimal(5, 600), "等待评价的秒数"),
    "simple_keys": Key(f.text(200, required=True), "单字节评价器的按键映射"),
}

ROLES: dict[str, dict[str, dict[str, Key]]] = {
    "server": {"server": SERVER, "calendar": CALENDAR},
    "kiosk": {"client": CLIENT, "hall": HALL, "kiosk": KIOSK, "printer": PRINTER, "camera": CAMERA},
    "window": {"client": CLIENT, "hall": HALL, "window": WINDOW, "printer": PRINTER, "camera": CAMERA},
    "display": {"client": CLIENT, "hall": HALL, "display": DISPLAY, "speech": SPEECH},
    "pad": {"client": CLIENT, "pad": PAD},
}
ROLE_NAMES = {"server": "服务器", "kiosk": "自助取号机", "window": "窗口终端", "display": "叫号大屏",
              "pad": "评价器桥"}


class SettingsError(ValueError):
    """A mistake in the configuration, said so a person can fix it."""


class ConfigError(SettingsError):
    """Every mistake in one machine's configuration, one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        super().__init__(f"{source} 有 {len(problems)} 处错误：\n" + "\n".join(f"  · {p}" for p in problems))


def _hint(word: str, known, otherwise: str) -> str:
    near = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"（是不是 {near[0]}？）" if near else f"（{otherwise}）"


def check(raw: dict, role: str) -> tuple[dict[str, dict], list[str]]:
    """The role's sections with coerced values, and every problem found, in file order."""
    sections, problems = {}, []
    schema = ROLES[role]
    for name, body in raw.items():
        if name not in schema:
            problems.append(f"{ROLE_NAMES[role]}不读配置段 [{name}]"
                            + _hint(name, schema, f"它读的是 {'、'.join(f'[{s}]' for s in schema)}"))
            continue
        if not isinstance(body, dict):
            problems.append(f"{name} 应写成配置段 [{name}]，下面每行一个配置项")
            continue
        values = sections.setdefault(name, {})
        for key, value in body.items():
            known = schema[name]
            if key not in known:
                problems.append(f"[{name}] 中没有配置项 {key}" + _hint(key, known, f"可用的有 {'、'.join(known)}"))
                continue
            try:
                values[key] = known[key].check(value)
            except Problem as exc:
                problems.append(f"[{name}] {key} = {_show(value)}（{known[key].help}）：{exc}")
    problems += _across_keys(sections)
    return sections, problems


def _across_keys(sections: dict) -> list[str]:
    problems = []
    camera = sections.get("camera", {})
    if "file" in camera and "device" in camera:
        problems.append("[camera] 中 file 与 device 只能写一个：file 用于模拟器，device 用于真实高拍仪")
    printer = sections.get("printer", {})
    needs = {"serial": "device", "usb": "usb_vendor", "file": "path"}.get(printer.get("backend"))
    if needs and needs not in printer:
        problems.append(f"[printer] backend = \"{printer['backend']}\" 时必须写 {needs}")
    return problems


def _show(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else repr(value)


def read(path: str | Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), ["找不到这个配置文件"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["不是 UTF-8 编码的文本文件"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"格式错误：{exc}"]) from None


def load(path: str | Path | None, role: str) -> dict[str, dict]:
    """The role's sections from ``path`` (None: no file, every key at its default)."""
    if path is None:
        return {}
    sections, problems = check(read(path), role)
    if problems:
        raise ConfigError(str(path), problems)
    return sections
