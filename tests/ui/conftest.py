"""UI tests: a private Xvfb screen for the session, and each Kivy app in its own process
(Kivy makes one window per process), driven by a script in drivers/ that writes JSON."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DRIVERS = Path(__file__).resolve().parent / "drivers"


@pytest.fixture(scope="session")
def xvfb(tmp_path_factory):
    """An X display for the whole UI session: DISPLAY and a private KIVY_HOME in ``env``."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb): UI tests need an X display")
    display = f":{100 + os.getpid() % 400}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
    deadline = time.monotonic() + 10
    while not socket.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.skip(f"Xvfb could not start on {display}")
        time.sleep(0.05)
    home = tmp_path_factory.mktemp("kivy_home")
    env = {**os.environ, "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1",
           "KIVY_HOME": str(home), "KIVY_NO_FILELOG": "1", "PYTHONPATH": str(REPO),
           "XDG_CACHE_HOME": str(home / "cache"), "SDL_AUDIODRIVER": "dummy"}
    yield env
    proc.terminate()
    proc.wait(5)


class Driver:
    """One app process running a driver script; talks through files in ``folder``."""

    def __init__(self, script: str, args: list[str], env: dict, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.log = open(folder / "driver.log", "ab")
        self.proc = subprocess.Popen([sys.executable, str(DRIVERS / script), "--out", str(folder), *args],
                                     env=env, cwd=str(REPO), stdout=self.log, stderr=subprocess.STDOUT)

    def states(self) -> list[dict]:
        path = self.folder / "states.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def wait_for(self, test, timeout: float = 20.0, what: str = "", after: dict | None = None) -> dict:
        """The first state (a dict the app wrote), later than ``after`` if given, for which ``test`` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for state in self.states():
                if (after is None or state["t"] > after["t"]) and test(state):
                    return state
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"driver never showed {what or test}; log:\n{self.log_text()[-3000:]}")

    def command(self, text: str) -> None:
        """A line for the driver to act on (it polls for them)."""
        with open(self.folder / "commands.txt", "a", encoding="utf-8") as out:
            out.write(text + "\n")

    def result(self, timeout: float = 30.0) -> dict:
        self.proc.wait(timeout)
        path = self.folder / "result.json"
        assert path.exists(), self.log_text()[-3000:]
        return json.loads(path.read_text(encoding="utf-8"))

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            self.command("stop")
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def kill(self) -> None:
        """A crash: no chance to save anything."""
        self.proc.kill()
        self.proc.wait()

    def log_text(self) -> str:
        self.log.flush()
        return (self.folder / "driver.log").read_text(errors="replace")


@pytest.fixture
def start_driver(xvfb):
    started: list[Driver] = []

    def start(script: str, folder: Path, *args: str) -> Driver:
        driver = Driver(script, list(args), xvfb, folder)
        started.append(driver)
        return driver

    yield start
    for driver in started:
        driver.stop(timeout=5)


@pytest.fixture
def kiosk_api(sqlite_server):
    from kiosk.client import ApiClient

    return ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk"))


@pytest.fixture
def queue_ids(kiosk_api) -> dict[str, int]:
    return {q["prefix"]: q["id"] for q in kiosk_api.catalog()["queues"]}


def played(folder: Path) -> list[dict]:
    """What the display's WavFilePlayer was asked to say, in order."""
    path = folder / "speech" / "played.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wait_until(test, timeout: float = 20.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = test()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or test}")
