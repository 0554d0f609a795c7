"""`bangban demo`: the whole hall on one machine, with simulated devices.

The server runs on SQLite under the data directory with the demo hall; a
printer simulator renders receipts to PNG files; each of the first two windows
gets a virtual rating pad and its bridge; the terminals open as windows of
their own. Press 1..5 and Enter in this console to rate at window 1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from kiosk.settings import Settings

PAD_WINDOWS = (1, 2)


def _tokens(settings: Settings, database) -> dict:
    """Demo device tokens, kept in the data directory so a second run reuses them."""
    from kiosk.server.admin import add_device

    path = settings.data_dir / "demo-tokens.json"
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


class Demo:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = f"http://{settings.host}:{settings.port}"
        self.children: list[subprocess.Popen] = []

    def spawn(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        child = subprocess.Popen([sys.executable, "-m", "kiosk.cli", *args], env={**os.environ, **(env or {})})
        self.children.append(child)
        return child

    def wait_for_server(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("服务器 30 秒内未能启动，请查看上面的日志")

    def _terminal_configs(self, printer_port: int) -> dict[str, Path]:
        """The kiosk's and the window terminal's configs: the simulated printer, and camera frames
        from the scene generator."""
        from kiosk import machine_config
        from devices.camera.demo_stills import prepare_demo_stills

        frames = self.settings.data_dir / "camera-sim"
        self.children.append(prepare_demo_stills(frames))  # stopped with the terminals
        shared = (f'[hall]\nname = "示范县政务服务中心"\n\n[printer]\nbackend = "network"\nhost = "127.0.0.1"\n'
                  f'port = {printer_port}\nprofile = "generic-80-gb18030"\n\n[camera]\nfile = "{frames}"\n')
        configs = {"kiosk": shared + '\n[kiosk]\nadmin_pin = "2468"\n', "window": shared}
        paths = {}
        for role, text in configs.items():
            paths[role] = self.settings.data_dir / f"demo-{role}.toml"
            paths[role].write_text(text, encoding="utf-8")
            machine_config.load(paths[role], role)  # the demo's own files must pass the terminals' checks
        return paths

    def run(self) -> int:
        from devices.printer.simulator import PrinterSimulator
        from devices.ratepad.simulator import VirtualPad
        from kiosk.server.admin import seed_demo
        from kiosk.server.db import Database, migrate

        s = self.settings
        s.data_dir.mkdir(parents=True, exist_ok=True)
        migrate(s.database_url)
        database = Database(s.database_url)
        seed_demo(database)
        tokens = _tokens(s, database)
        database.dispose()
        data = str(s.data_dir)
        self.spawn("server", "--data", data, "--host", s.host, "--port", str(s.port))
        self.wait_for_server()
        printer = PrinterSimulator(port=0, out_dir=s.data_dir / "printer-out").start()
        pads = {}
        for n in PAD_WINDOWS:
            pads[n] = VirtualPad(str(s.data_dir / f"pad{n}")).__enter__()
            self.spawn("pad", "--window", str(n), "--port", pads[n].path, "--server", self.url,
                       "--token", tokens[f"pad{n}"], "--data", data)
        if os.environ.get("DISPLAY"):
            configs = self._terminal_configs(printer.port)
            self.spawn("kiosk", "--windowed", "--size", "1080x1600", "--server", self.url,
                       "--token", tokens["kiosk"], "--data", data, "--config", str(configs["kiosk"]))
            self.spawn("window", "--window", "1", "--server", self.url, "--token", tokens["window1"], "--data", data,
                       "--config", str(configs["window"]))
            self.spawn("display", "--windowed", "--server", self.url, "--token", tokens["display"], "--data", data)
        else:
            print("没有图形界面（DISPLAY 未设置）：窗口终端和叫号大屏未启动")
        print(f"\n示范大厅已启动：{self.url}   接口文档 {self.url}/docs")
        print(f"小票打印机模拟器：127.0.0.1:{printer.port}，小票图片在 {s.data_dir / 'printer-out'}")
        print("帮办代办员工号 1001–1010，密码 246810；1 号窗口终端令牌见 demo-tokens.json")
        print("在此输入 1–5 回车，为 1 号窗口评价；q 回车退出。\n", flush=True)
        try:
            for line in sys.stdin:
                key = line.strip()
                if key in {"1", "2", "3", "4", "5"}:
                    pads[1].press(int(key))
                elif key == "q":
                    break
            else:
                while all(c.poll() is None for c in self.children):
                    time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for child in self.children:
                child.terminate()
            for child in self.children:
                child.wait(10)
            for pad in pads.values():
                pad.__exit__(None, None, None)
            printer.stop()
        return 0
