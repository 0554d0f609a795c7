"""UI tests: a private Xvfb screen for the session; the harness (ui_harness.py) runs each app
in its own process."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from ui_harness import REPO, Driver


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
