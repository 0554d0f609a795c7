"""Each machine role's settings, declared once, and read from its TOML file, the environment and
the command line (pydantic-settings; the command line wins, then the environment, then the file).

Each role is a model of the sections it reads, each section a model of its keys (one line each,
see ``kiosk.config.fields.setting``), so a typo, a value of the wrong kind, a port out of range
or a missing token is named, with every other mistake, before anything starts. The server's
own section is ``kiosk.config.server``. ``systemd/config/ROLE.toml`` shows every key with its default
and meaning; ``bangban check-config`` and ``bangban doctor`` check a file with these same models.
"""
from __future__ import annotations

import difflib
import os
import tomllib
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from kiosk.config.fields import (
    CameraDevice, ConfigError, DeviceToken, Directory, Float, Int, PathText, Pin, Port, Section, Strings, Text, Url,
    WindowSize, problem, setting,
)
from kiosk.config.server import CalendarSection, ServerSection

DEFAULT_SERVER = "http://127.0.0.1:8080"
PRINTER_PROFILES = ("generic-80-gb18030", "generic-58-gb18030", "generic-80-gbk", "generic-80-raster",
                    "generic-58-raster")


# ---- the sections -----------------------------------------------------------------------

class ClientSection(Section):
    server: Url = setting(DEFAULT_SERVER, "服务器地址", option="--server")
    token: DeviceToken | None = setting(None, "本机的设备令牌", env="BANGBAN_TOKEN", option="--token",
                                        needed="令牌由服务器上的 bangban device add 生成")


class HallSection(Section):
    name: str = setting("", "大厅名称", max_length=60)
    language: Literal["zh", "mn-zh"] = setting("zh", "面向群众的文字：zh 仅中文；mn-zh 蒙古文与中文并列（内蒙古）",
                                               env="BANGBAN_HALL_LANGUAGE")


class PrinterSection(Section):
    """Passed on to devices.printer as written: a key left out keeps the printer's own default."""
    backend: Literal["network", "serial", "usb", "file"] = setting("network", "连接方式")
    profile: Literal[PRINTER_PROFILES] = setting("generic-80-gb18030", "打印机型号配置")
    host: Text = setting("127.0.0.1", "网络打印机地址", max_length=100)
    port: Port = setting(9100, "网络打印机端口")
    device: PathText = setting("/dev/ttyUSB0", "串口打印机设备")
    baudrate: Literal[9600, 19200, 38400, 57600, 115200] = setting(19200, "串口波特率")
    usb_vendor: Int = setting(0, "USB 厂商号", ge=0, le=0xFFFF)
    usb_product: Int = setting(0, "USB 产品号", ge=0, le=0xFFFF)
    path: PathText = setting("/dev/usb/lp0", "打印机设备文件")
    timeout_s: Float = setting(3.0, "连接与等待应答的秒数", ge=0.2, le=60)
    fonts: Strings = setting([], "图像打印用的字体文件")

    @classmethod
    def across(cls, raw: dict) -> list[str]:
        needs = {"serial": "device", "usb": "usb_vendor", "file": "path"}.get(raw.get("backend"))
        return [f"[printer] backend = \"{raw['backend']}\" 时必须写 {needs}"] if needs and needs not in raw else []


class CameraSection(Section):
    device: CameraDevice = setting(0, "高拍仪摄像头")
    file: PathText | None = setting(None, "代替摄像头的视频或图片目录（模拟器）")
    width: Int = setting(4208, "拍摄宽度（像素）", ge=160, le=10000)
    height: Int = setting(3120, "拍摄高度（像素）", ge=120, le=10000)
    retry_s: Float = setting(0.5, "摄像头断开后重试的间隔秒数", ge=0.1, le=30)

    @classmethod
    def across(cls, raw: dict) -> list[str]:
        return (["[camera] 中 file 与 device 只能写一个：file 用于模拟器，device 用于真实高拍仪"]
                if "file" in raw and "device" in raw else [])


class KioskSection(Section):
    elder_mode: bool = setting(False, "默认适老模式")
    admin_pin: Pin = setting("", "管理员退出密码")
    idle_timeout_s: Float = setting(60.0, "无人操作后回到首页的秒数", ge=15, le=3600)
    hall_name: str = setting("", "首页显示的大厅名称（默认为 [hall] name）", max_length=60)
    size: WindowSize | None = setting(None, "不全屏时的窗口大小", option="--size")
    speech: bool = setting(True, "适老模式的语音提示")
    printer_check_s: Float = setting(10.0, "打印机故障复查间隔秒数", ge=1, le=600)
    recover_within_s: Float = setting(900.0, "重启后补打多久以内的小票", ge=0, le=86400)


class WindowSection(Section):
    number: Int | None = setting(None, "窗口号", option="--window", needed="如 bangban window --window 3", ge=1, le=999)
    fullscreen: bool = setting(False, "全屏")
    size: WindowSize | None = setting(None, "不全屏时的窗口大小（默认 1280x800）", option="--size")


class DisplaySection(Section):
    notice: str = setting("", "大屏底部的滚动提示", max_length=300)
    fullscreen: bool = setting(True, "全屏")
    size: WindowSize | None = setting(None, "不全屏时的窗口大小（默认 1920x1080）", option="--size")


class SpeechSection(Section):
    """Passed on to devices.speech as written: a key left out keeps its default there."""
    engine: Literal["espeak", "segments"] = setting("espeak", "语音引擎")
    volume: Float = setting(1.0, "音量（0–1）", ge=0, le=1)
    repeat: Int = setting(1, "每次叫号重复的次数", ge=0, le=5)
    gap_s: Float = setting(1.0, "两次播报之间的秒数", ge=0, le=10)
    chime: bool = setting(True, "叫号前的提示音")
    one_as_yao: bool = setting(False, "数字 1 读作“幺”")
    voice: Text = setting("cmn-latn-pinyin", "espeak-ng 的声音", max_length=60)
    speed_wpm: Int = setting(150, "语速", ge=80, le=300)
    pitch: Int = setting(50, "音调", ge=0, le=99)
    pause_s: Float = setting(0.25, "号码后的停顿秒数", ge=0, le=2)
    espeak_binary: PathText = setting("espeak-ng", "espeak-ng 程序")
    segments_dir: PathText | None = setting(None, "录音片段目录（默认随程序安装的录音）")
    cache_dir: PathText | None = setting(None, "语音缓存目录（默认在数据目录下）")


class PadSection(Section):
    window: Int | None = setting(None, "评价器所在的窗口号", option="--window", needed="如 bangban pad --window 3",
                                 ge=1, le=999)
    port: PathText | None = setting(None, "评价器串口，如 /dev/bangban-pad3", option="--port",
                                    needed="如 --port /dev/bangban-pad3")
    timeout_s: Float = setting(60.0, "等待评价的秒数", option="--timeout", ge=5, le=600)
    rating_window_s: Int = ServerSection.model_fields["rating_window_s"]  # the server's: keep them equal
    simple_keys: Text | None = setting(None, "单字节评价器的按键映射", option="--simple-keys", max_length=200)


# ---- the roles ----------------------------------------------------------------------------

@dataclass
class _Reading:
    """What one load reads, for the sources below."""
    path: Path | None
    environ: dict = field(default_factory=dict)


_reading: ContextVar[_Reading] = ContextVar("bangban config reading")


class _TomlFile(TomlConfigSettingsSource):
    def __init__(self, settings_cls):
        super().__init__(settings_cls, toml_file=_reading.get().path)

    def _read_file(self, file_path: Path) -> dict[str, Any]:
        return read(file_path)


class _Variables(PydanticBaseSettingsSource):
    """The environment variables the declaration names (``setting(..., env=...)``)."""

    def get_field_value(self, field, field_name):  # required by the base class; __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        environ, found = _reading.get().environ, {}
        for where, key, declared in declared_keys(self.settings_cls):
            value = environ.get(declared.get("env") or "")
            if value:  # set and not empty
                place = found.setdefault(where, {}) if where else found
                place[key] = value
        return found


class Role(BaseSettings):
    """One machine role's configuration: its sections (and, for a terminal, its data directory),
    from the command line (keyword arguments), the declared variables, then the TOML file."""
    model_config = SettingsConfigDict(extra="forbid", frozen=True)
    title: ClassVar[str]

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return init_settings, _Variables(settings_cls), _TomlFile(settings_cls)

    def missing(self) -> list[str]:
        """What the program needs and nobody gave, each with where it may be given."""
        out = []
        for where, key, declared in declared_keys(type(self)):
            section = getattr(self, where) if where else self
            if declared.get("needed") and section is not None and getattr(section, key) is None:
                meaning = _meaning(type(self), where, key)
                out.append(f"缺少{meaning}（{_places(where, key, declared)}；{declared['needed']}）")
        return out

    def require(self, source: str = "命令行与环境变量") -> "Role":
        if problems := self.missing():
            raise ConfigError(source, problems)
        return self


class TerminalRole(Role):
    title = "终端"
    data_dir: Directory = setting(Path("data"), "本机的数据目录", env="BANGBAN_DATA", option="--data")
    client: ClientSection = ClientSection()


class ServerRole(Role):
    title = "服务器"
    server: ServerSection = ServerSection()
    calendar: CalendarSection = CalendarSection()


class KioskRole(TerminalRole):
    title = "自助取号机"
    hall: HallSection = HallSection()
    kiosk: KioskSection = KioskSection()
    printer: PrinterSection | None = None  # no section: no printer
    camera: CameraSection | None = None


class WindowRole(TerminalRole):
    title = "窗口终端"
    hall: HallSection = HallSection()
    window: WindowSection = WindowSection()
    printer: PrinterSection | None = None
    camera: CameraSection | None = None


class DisplayRole(TerminalRole):
    title = "叫号大屏"
    hall: HallSection = HallSection()
    display: DisplaySection = DisplaySection()
    speech: SpeechSection | None = None  # no section: the default voice


class PadRole(TerminalRole):
    title = "评价器桥"
    pad: PadSection = PadSection()


ROLES: dict[str, type[Role]] = {"server": ServerRole, "kiosk": KioskRole, "window": WindowRole,
                                "display": DisplayRole, "pad": PadRole}
ROLE_NAMES = {role: model.title for role, model in ROLES.items()}


def sections(model: type[Role]) -> dict[str, type[Section]]:
    """The role's sections by name, in the order the example files show them."""
    out = {}
    for name, info in model.model_fields.items():
        kinds = [info.annotation, *getattr(info.annotation, "__args__", ())]
        found = next((k for k in kinds if isinstance(k, type) and issubclass(k, Section)), None)
        if found:
            out[name] = found
    return out


def declared_keys(model: type[Role]):
    """(section or "" for the role's own keys, key, its declared extras) for every setting."""
    own = sections(model)
    for name, info in model.model_fields.items():
        if name not in own:
            yield "", name, info.json_schema_extra or {}
    for where, section in own.items():
        for key, info in section.model_fields.items():
            yield where, key, info.json_schema_extra or {}


def _field(model: type[Role], where: str, key: str):
    holder = sections(model).get(where) if where else model
    return holder.model_fields.get(key) if holder is not None else None


def _meaning(model, where, key) -> str:
    info = _field(model, where, key)
    return info.description if info is not None else key


def _places(where: str, key: str, declared: dict) -> str:
    places = [declared.get("option"), declared.get("env"), f"[{where}] {key}" if where else key]
    return "、".join(p for p in places if p)


# ---- reading ------------------------------------------------------------------------------

def read(path: str | Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError):
        raise ConfigError(str(path), ["找不到这个配置文件"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["不是 UTF-8 编码的文本文件"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"格式错误：{exc}"]) from None


def load(path: str | Path | None, role: str | type[Role], options: dict | None = None, *,
         environ: dict | None = None) -> Role:
    """The role's configuration from ``path`` (None: none, every key at its default), the
    declared environment variables (``environ``, default ``os.environ``; ``{}``: the file alone)
    and ``options`` (``{"section.key": value}`` from the command line; None values are left out)."""
    model = ROLES[role] if isinstance(role, str) else role
    if path is not None and not Path(path).is_file():
        raise ConfigError(str(path), ["找不到这个配置文件"])
    reading = _Reading(Path(path) if path is not None else None, dict(os.environ if environ is None else environ))
    given = _nest({k: v for k, v in (options or {}).items() if v is not None})
    token = _reading.set(reading)
    try:
        return model(**given)
    except ValidationError as exc:
        raw = read(path) if path is not None else {}
        described = _Described(model, raw, _Variables(model)(), given)
        problems = sorted((described.line(error) for error in exc.errors()), key=lambda found: found[0])
        raise ConfigError(str(path) if path is not None else "命令行与环境变量", [p for _, p in problems]) from None
    finally:
        _reading.reset(token)


def check_file(role: str, path: str | Path) -> Role:
    """The file alone, as ``bangban check-config`` and ``doctor`` see it."""
    return load(path, role, environ={})


def options_of(args, role: str) -> dict:
    """``{"section.key": value}`` of the command-line options the role declares (``option=``)."""
    out = {}
    for where, key, declared in declared_keys(ROLES[role]):
        option = declared.get("option")
        if option and getattr(args, option.lstrip("-").replace("-", "_"), None) is not None:
            out[f"{where}.{key}" if where else key] = getattr(args, option.lstrip("-").replace("-", "_"))
    return out


def _nest(flat: dict) -> dict:
    out: dict = {}
    for dotted, value in flat.items():
        where, _, key = dotted.rpartition(".")
        (out.setdefault(where, {}) if where else out)[key] = value
    return out


def _hint(word: str, known, otherwise: str) -> str:
    near = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"（是不是 {near[0]}？）" if near else f"（{otherwise}）"


def _show(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else repr(value)


@dataclass
class _Described:
    """Says each of pydantic's errors in Chinese, naming where the value came from."""
    model: type[Role]
    file: dict
    variables: dict
    options: dict

    def line(self, error: dict) -> tuple[tuple, str]:
        """(where in the file it is, for sorting; the sentence)."""
        loc = [part for part in error["loc"]]
        own = sections(self.model)
        where = loc[0] if loc and loc[0] in own else ""
        key = loc[1] if where and len(loc) > 1 else (loc[0] if not where and loc else None)
        order = self._order(where, key, error)
        if error["type"] == "extra_forbidden":
            if where and key is not None:
                known = own[where].model_fields
                return order, f"[{where}] 中没有配置项 {key}" + _hint(key, known, f"可用的有 {'、'.join(known)}")
            readable = [f"[{s}]" for s in own]
            return order, (f"{self.model.title}不读配置段 [{key}]"
                           + _hint(str(key), list(own) + [k for k in self.model.model_fields if k not in own],
                                   f"它读的是 {'、'.join(readable)}"))
        if where and key is None:
            if error["type"] in ("model_type", "dict_type", "model_attributes_type"):
                return order, f"{where} 应写成配置段 [{where}]，下面每行一个配置项"
            return order, problem(error, None)  # across keys: the section says it whole
        info = _field(self.model, where, key)
        said = f"{_show(self._value(where, key, error))}（{info.description if info else key}）：{problem(error, info)}"
        return order, f"{self._source(where, key, info)} = {said}"

    def _value(self, where, key, error):
        for source in (self.options, self.variables, self.file):
            holder = source.get(where, {}) if where else source
            if isinstance(holder, dict) and key in holder:
                return holder[key]
        return error["input"]

    def _source(self, where, key, info) -> str:
        declared = (info.json_schema_extra or {}) if info else {}
        for source, name in ((self.options, declared.get("option")), (self.variables, declared.get("env"))):
            holder = source.get(where, {}) if where else source
            if isinstance(holder, dict) and key in holder:
                return name if source is self.options else f"环境变量 {name}"
        return f"[{where}] {key}" if where else str(key)

    def _order(self, where, key, error) -> tuple:
        names = list(self.file)
        top = names.index(where) if where in names else (names.index(key) if key in names else len(names))
        body = self.file.get(where) if where else None
        inner = list(body).index(key) if isinstance(body, dict) and key in body else -1
        across = where and key is None and error["type"] not in ("model_type", "dict_type", "model_attributes_type")
        return (1 if across else 0, top, inner)
