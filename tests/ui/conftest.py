"""UI tests: a private Xvfb screen for the session; the harness (ui_harness.py) runs each app
in its own process."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import x_display
from tests.ui.ui_harness import Driver


@pytest.fixture(scope="session")
def xvfb(tmp_path_factory):
    """An X display for the whole UI session: DISPLAY and a private KIVY_HOME in ``env``."""
    with x_display(tmp_path_factory.mktemp("kivy_home"), "1920x1080x24") as env:
        yield env


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
