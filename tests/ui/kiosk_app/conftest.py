"""Kiosk UI tests: a private Xvfb screen big enough for a portrait kiosk (1080x1920), the printer
simulator on a real TCP port, a folder of camera frames, and the kiosk app in its own process
driven by drivers/kiosk_driver.py (one Kivy app per process)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import x_display
from tests.ui.ui_harness import DRIVERS, Driver

DRIVER = DRIVERS / "kiosk_driver.py"


@pytest.fixture(scope="session")
def kiosk_display(tmp_path_factory):
    """DISPLAY and a private KIVY_HOME for the session's kiosk processes (room for 1080x1920)."""
    with x_display(tmp_path_factory.mktemp("kiosk_kivy_home"), "1920x1920x24") as env:
        yield env


@pytest.fixture
def printer(tmp_path):
    """The receipt printer simulator on 127.0.0.1; each job rendered to tmp_path/receipts/*.png."""
    from devices.printer.simulator import PrinterSimulator

    with PrinterSimulator(port=0, out_dir=tmp_path / "receipts") as sim:
        yield sim


@pytest.fixture(scope="session")
def camera_frames(tmp_path_factory) -> Path:
    """A folder of document-camera frames (a page on a desk), standing in for the camera."""
    import cv2
    import numpy as np

    from kiosk.demo_camera.scenes import make_scene

    folder = tmp_path_factory.mktemp("camera")
    rng = np.random.default_rng(7)
    for i in range(3):
        scene = make_scene(rng, (1280, 720), kind="a4_text", background="wood")
        cv2.imwrite(str(folder / f"frame{i}.jpg"), scene.image)
    return folder


class Kiosk(Driver):
    """One kiosk process; talks through files in ``folder`` (see drivers/kiosk_driver.py)."""

    def __init__(self, env: dict, folder: Path, args: list[str]):
        super().__init__(str(DRIVER), args, env, folder)
        self.sent = 0

    @property
    def state(self) -> dict:
        states = self.states()
        return states[-1] if states else {}

    def wait_for(self, test, timeout: float = 20.0, what: str = "") -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for state in reversed(self.states()):
                assert "error" not in state, state["error"]
                if test(state):
                    return state
                break  # only the newest state counts: what the screen shows now
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"the kiosk never showed {what or test}; now: {self.state}\n"
                             f"log:\n{self.log_text()[-3000:]}")

    def do(self, *commands: str) -> None:
        for command in commands:
            self.command(command)
        self.sent += len(commands)

    def done(self, timeout: float = 60.0) -> dict:
        """Waits until every command sent so far was performed; returns the state then."""
        return self.wait_for(lambda s: s["performed"] >= self.sent and not s["busy"], timeout, "all commands done")

    def shots(self) -> list[dict]:
        path = self.folder / "shots.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)


@pytest.fixture
def start_kiosk(kiosk_display, sqlite_server, tmp_path):
    """start_kiosk(name, printer=sim, camera=folder, size="1080x1920", elder=False, idle=60) -> Kiosk."""
    started: list[Kiosk] = []
    token = sqlite_server.device_token("kiosk")

    def start(name: str = "kiosk", printer=None, camera: Path | None = None, size: str = "1080x1920",
              elder: bool = False, idle: float = 60.0, data: Path | None = None, speech: Path | None = None) -> Kiosk:
        args = ["--url", sqlite_server.url, "--token", token, "--data", str(data or tmp_path / "kiosk-data"),
                "--size", size, "--idle", str(idle)]
        if printer is not None:
            args += ["--printer-port", str(printer.port)]
        if camera is not None:
            args += ["--camera", str(camera)]
        if elder:
            args.append("--elder")
        if speech is not None:
            args += ["--speech-out", str(speech)]
        kiosk = Kiosk(kiosk_display, tmp_path / name, args)
        started.append(kiosk)
        return kiosk

    start.token = token  # the kiosks' device token (the server replays a key per device)
    yield start
    for kiosk in started:
        kiosk.stop(timeout=5)


@pytest.fixture
def staff(sqlite_server):
    """The server as a helper at window 1 sees it (to read tickets back)."""
    from kiosk.client import ApiClient

    return ApiClient(sqlite_server.url, sqlite_server.helper_session(1, code="1001"))
