"""`bangban demo`: the whole hall on one machine, with simulated devices.

The server runs on SQLite under the data directory with the demo hall; a
printer simulator renders receipts to PNG files; each of the first two windows
gets a virtual rating pad and its bridge; the terminals open as windows of
their own, arranged to fit the screen. Press 1..5 and Enter in this console to
rate at window 1. The console shows only what a person needs; everything the
programs say goes to demo.log in the data directory.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from kiosk.config.server import Settings

PAD_WINDOWS = (1, 2)
KIOSK_ADMIN_PIN = "2468"
LOG_NAME = "demo.log"
TOKENS_NAME = "demo-tokens.json"  # the demo devices' tokens, kept for the next run
NO_SOUND_ADVICE = ("本机没有声卡或放音程序：大屏只显示叫号，不会播报。要听到叫号，请接上音箱并安装 alsa-utils"
                   "（apt-get install alsa-utils）后重新运行；或用 bangban say A012 1 --out 文件夹 把叫号存成 WAV 文件试听。")
# Each terminal's natural size; one whose command takes --size is drawn smaller where the screen
# needs it, the others keep their size.
NATURAL_SIZE = {"kiosk": (1080, 1600), "window": (1280, 800), "display": (1920, 1080)}

log = logging.getLogger("bangban.demo")


@dataclass(frozen=True)
class Placement:
    x: int
    y: int
    width: int
    height: int
    scale: float  # drawn at this fraction of its natural size (dp and sp shrink with it)

    def env(self) -> dict[str, str]:
        """Kivy reads a window's position from KCFG_* variables, and its dp from the density."""
        env = {"KCFG_GRAPHICS_POSITION": "custom", "KCFG_GRAPHICS_LEFT": str(self.x),
               "KCFG_GRAPHICS_TOP": str(self.y)}
        if self.scale < 1:
            env["KIVY_METRICS_DENSITY"] = f"{self.scale:.3f}"
        return env


def _place(role: str, x: int, y: int, fit_width: float, fit_height: float, sizable: set[str]) -> Placement:
    width, height = NATURAL_SIZE[role]
    scale = min(1.0, fit_width / width, fit_height / height) if role in sizable else 1.0
    return Placement(x, y, round(width * scale), round(height * scale), scale)


def arrange(screen_width: int, screen_height: int, sizable: set[str]) -> dict[str, Placement]:
    """The kiosk, the window terminal and the display side by side on one screen, none over
    another where their sizes allow: on a landscape screen the portrait kiosk takes a column on
    the left and the other two share the rest, one above the other; on a portrait screen the
    kiosk takes the top. A terminal that cannot be drawn smaller keeps its room first."""
    window_w, window_h = NATURAL_SIZE["window"]
    if screen_width >= screen_height:
        side = screen_width * 0.55 if "window" in sizable else window_w
        kiosk = _place("kiosk", 0, 0, screen_width - side, screen_height, sizable)
        x, y, room_w, room_h = kiosk.width, 0, screen_width - kiosk.width, screen_height
    else:
        below = screen_height * 0.45 if "window" in sizable else window_h
        kiosk = _place("kiosk", 0, 0, screen_width, screen_height - below, sizable)
        kiosk = Placement((screen_width - kiosk.width) // 2, 0, kiosk.width, kiosk.height, kiosk.scale)
        x, y, room_w, room_h = 0, kiosk.height, screen_width, screen_height - kiosk.height
    window = _place("window", x, y, room_w, room_h * 0.6, sizable)
    display = _place("display", x, y + window.height, room_w, room_h - window.height, sizable)
    return {"kiosk": kiosk, "window": window, "display": display}


def sizable_roles() -> set[str]:
    """The terminals whose `bangban ROLE` command takes --size."""
    from kiosk.commands.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    return {role for role in NATURAL_SIZE if "--size" in commands[role]._option_string_actions}


def screen_size() -> tuple[int, int]:
    """The X screen the demo finds (its root window's size); 1920x1080 if it cannot be read."""
    from PIL import ImageGrab

    try:
        return ImageGrab.grab(xdisplay=os.environ.get("DISPLAY")).size
    except OSError as exc:
        log.warning("screen size not readable (%s): assuming 1920x1080", exc)
        return 1920, 1080


def catalogue_reads(url: str) -> int:
    """How many times the server has answered GET /api/v1/catalog (its Prometheus counts): a kiosk
    reads the catalogue as its welcome screen comes up, so the first read is the kiosk usable."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        metrics = requests.get(url + "/metrics", timeout=1).text
    except requests.RequestException:
        return 0
    return int(sum(sample.value for family in text_string_to_metric_families(metrics)
                   for sample in family.samples if sample.name.endswith("_count")
                   and sample.labels.get("route") == "/api/v1/catalog" and sample.labels.get("status") == "200"))


def _tokens(settings: Settings, database) -> dict:
    """Demo device tokens, kept in the data directory so a second run reuses them."""
    from kiosk.server.admin import add_device

    path = settings.data_dir / TOKENS_NAME
    if path.exists():
        return json.loads(path.read_text())
    tokens = {"kiosk": add_device(database, "kiosk", "演示自助机"),
              "display": add_device(database, "display", "演示大屏"),
              "window1": add_device(database, "window", "演示1号窗口终端", 1)}
    for n in PAD_WINDOWS:
        tokens[f"pad{n}"] = add_device(database, "pad", f"演示{n}号窗口评价器", n)
    path.write_text(json.dumps(tokens))
    path.chmod(0o600)
    return tokens


def _load_pinyin() -> None:
    """pypinyin's dictionaries, loaded while the server starts rather than after it answers."""
    _lower_priority()
    from kiosk.server.admin import initials

    initials("示范")


def _sound_problem() -> str:
    """"" when this machine can play the calls, else what is missing (probing takes a moment)."""
    from devices.speech.players import SilentPlayer, find_player

    _lower_priority()
    player = find_player()
    return player.reason if isinstance(player, SilentPlayer) else ""


def _lower_priority() -> None:
    """This thread gives way to the terminals starting beside it (Linux: a thread has its own nice)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


class Background(threading.Thread):
    """A step run beside the others; join() returns its result or raises its error."""

    def __init__(self, work, *args):
        super().__init__(daemon=True)
        self.work, self.args, self.result, self.error = work, args, None, None
        self.start()

    def run(self) -> None:
        try:
            self.result = self.work(*self.args)
        except Exception as exc:  # handed to whoever joins
            self.error = exc

    def join(self, timeout: float | None = None):
        super().join(timeout)
        if self.error:
            raise self.error
        return self.result


class Demo:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = f"http://{settings.host}:{settings.port}"
        self.children: list[subprocess.Popen] = []
        self.log_path = settings.data_dir / LOG_NAME
        self.started = time.monotonic()
        self.sizable: set[str] = set()

    def spawn(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        with open(self.log_path, "ab") as out:  # the child keeps its own handle
            child = subprocess.Popen([sys.executable, "-m", "kiosk.commands.cli", *args], env={**os.environ, **(env or {})},
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.children.append(child)
        self.mark(f"started {args[0]}")
        return child

    def mark(self, step: str) -> None:
        log.info("%5.2f s  %s", time.monotonic() - self.started, step)

    def wait_for_server(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    self.mark("server answers")
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"服务器 {timeout:.0f} 秒内未能启动，请查看日志 {self.log_path}")

    def wait_for_kiosk(self, timeout: float = 30) -> None:
        """Until the kiosk has read the catalogue: from then on its buttons work. The window
        terminal and the display start after it, not beside it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if catalogue_reads(self.url):
                self.mark("kiosk usable")
                return
            time.sleep(0.1)
        log.warning("the kiosk did not read the catalogue within %.0f s", timeout)

    def _terminal_configs(self, printer_port: int, frames: Path) -> dict[str, Path]:
        """The kiosk's and the window terminal's configs: the simulated printer, and camera frames
        from the scene generator."""
        from kiosk.config import roles

        shared = (f'[hall]\nname = "示范县政务服务中心"\n\n[printer]\nbackend = "network"\nhost = "127.0.0.1"\n'
                  f'port = {printer_port}\nprofile = "generic-80-gb18030"\n\n[camera]\nfile = "{frames}"\n')
        configs = {"kiosk": shared + f'\n[kiosk]\nadmin_pin = "{KIOSK_ADMIN_PIN}"\n', "window": shared}
        paths = {}
        for role, text in configs.items():
            paths[role] = self.settings.data_dir / f"demo-{role}.toml"
            paths[role].write_text(text, encoding="utf-8")
            roles.load(paths[role], role)  # the demo's own files must pass the terminals' checks
        return paths

    def _layout(self) -> dict[str, Placement]:
        self.sizable = sizable_roles()
        layout = arrange(*screen_size(), self.sizable)
        self.mark(f"layout {layout}")
        return layout

    def _start_terminal(self, role: str, layout: dict[str, Placement], tokens: dict,
                        configs: dict[str, Path]) -> None:
        """One terminal, placed where `arrange` put it."""
        place = layout[role]
        size = ["--size", f"{place.width}x{place.height}"] if role in self.sizable else []
        which = {"kiosk": ["--windowed", "--token", tokens["kiosk"], "--config", str(configs["kiosk"])],
                 "window": ["--window", "1", "--token", tokens["window1"], "--config", str(configs["window"])],
                 "display": ["--windowed", "--token", tokens["display"]]}[role]
        self.spawn(role, *which, *size, "--server", self.url, "--data", str(self.settings.data_dir), env=place.env())

    def run(self) -> int:
        from devices.printer.simulator import PrinterSimulator
        from devices.ratepad.simulator import VirtualPad

        s = self.settings
        s.data_dir.mkdir(parents=True, exist_ok=True)
        _log_to(self.log_path)
        self.mark("demo starting")
        screen = bool(os.environ.get("DISPLAY"))
        data = str(s.data_dir)
        # What a visitor waits for comes first: the server (it brings the schema up to date as it
        # starts), the demo hall, the kiosk. The rest starts once the kiosk is usable.
        self.spawn("server", "--data", data, "--host", s.host, "--port", str(s.port))
        from kiosk.server.admin import seed_demo
        from kiosk.server.db import Database

        printer = PrinterSimulator(port=0, out_dir=s.data_dir / "printer-out").start()
        frames, pads = s.data_dir / "camera-sim", {}
        if not (s.data_dir / TOKENS_NAME).exists():  # a first run seeds the hall: its matters need pinyin
            Background(_load_pinyin)
        try:
            self.wait_for_server()
            database = Database(s.database_url)
            seed_demo(database)
            tokens = _tokens(s, database)
            database.dispose()
            self.mark("demo hall seeded")
            if screen:
                layout = self._layout()
                configs = self._terminal_configs(printer.port, frames)
                self._start_terminal("kiosk", layout, tokens, configs)
                self.wait_for_kiosk()
                self._start_terminal("window", layout, tokens, configs)
                self._start_terminal("display", layout, tokens, configs)
                # 8 MP stills take seconds to draw: made once the kiosk is usable, in a process of
                # their own (the camera shows as connecting until the first appears)
                from kiosk.demo_camera.stills import prepare_demo_stills

                self.children.append(prepare_demo_stills(frames))
            sound = Background(_sound_problem) if screen else None
            for n in PAD_WINDOWS:
                pads[n] = VirtualPad(str(s.data_dir / f"pad{n}")).__enter__()
                self.spawn("pad", "--window", str(n), "--port", pads[n].path, "--server", self.url,
                           "--token", tokens[f"pad{n}"], "--data", data)
            print(self.banner(printer.port, screen), flush=True)
            if sound and (problem := sound.join()):
                log.warning("no sound: %s", problem)
                print(NO_SOUND_ADVICE + "\n", flush=True)
            self._console(pads)
        finally:
            self._stop(pads, printer)
        return 0

    def banner(self, printer_port: int, screen: bool) -> str:
        from kiosk.server.demo_hall import DEMO_PIN, HELPERS

        s = self.settings
        leads = "、".join(f"{code} {name}（{role}）" for code, name, role, *_ in HELPERS
                         if role in ("coordinator", "chief"))
        lines = [
            f"示范大厅已启动（用时 {time.monotonic() - self.started:.1f} 秒）",
            f"  服务器      {self.url}    接口文档 {self.url}/docs",
            f"  督导页面    {self.url}/supervisor/    用 {leads}登录，密码 {DEMO_PIN}",
            f"  帮办代办员  工号 {HELPERS[0][0]}–{HELPERS[-1][0]}，密码 {DEMO_PIN}（在 1 号窗口终端登录）",
        ]
        if screen:
            lines.append(f"  自助取号机  管理密码 {KIOSK_ADMIN_PIN}（按住屏幕左上角 3 秒进入管理）")
        else:
            lines.append("  没有图形界面（DISPLAY 未设置）：自助取号机、窗口终端和叫号大屏未启动")
        lines += [
            f"  小票        打印机模拟器 127.0.0.1:{printer_port}，每张小票存为图片：{s.data_dir / 'printer-out'}",
            f"  数据        {s.data_dir}；各程序的输出写在 {self.log_path}",
            "",
            "评价：在此输入 1–5 再回车，为 1 号窗口刚办完的业务评价（5 非常满意，1 非常不满意）；输入 q 回车退出。",
            "",
        ]
        return "\n".join(lines)

    def _console(self, pads: dict) -> None:
        try:
            for line in sys.stdin:
                key = line.strip()
                if key in {"1", "2", "3", "4", "5"}:
                    pads[1].press(int(key))
                    print(f"已按 {key}，评价送往 1 号窗口", flush=True)
                elif key == "q":
                    break
                elif key:
                    print("请输入 1–5 评价，或 q 退出", flush=True)
            else:
                while all(c.poll() is None for c in self.children):
                    time.sleep(1)
        except KeyboardInterrupt:
            pass

    def _stop(self, pads: dict, printer) -> None:
        for child in self.children:
            child.terminate()
        for child in self.children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)
        for pad in pads.values():
            pad.__exit__(None, None, None)
        printer.stop()


def _log_to(path: Path) -> None:
    """The demo's own log lines (its timings, in-process devices) go to the log file, not to the
    console, which is for the person running the demo. (python-escpos calls logging.basicConfig()
    when it is imported, which would send them to the console.)"""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
