"""Client tests run against the real server process from tests/conftest.py (``sqlite_server``)."""
from __future__ import annotations

import pytest

from kiosk.client import ApiClient


@pytest.fixture
def kiosk_api(sqlite_server) -> ApiClient:
    return ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk"))


@pytest.fixture
def queue_ids(kiosk_api) -> dict[str, int]:
    """Queue id by prefix: A 综合帮办, C 企业开办 (window 3), F 税务办理 (window 4) ..."""
    return {q["prefix"]: q["id"] for q in kiosk_api.catalog()["queues"]}


@pytest.fixture
def unused_url() -> str:
    """An address where nothing listens: a server that is down."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"
