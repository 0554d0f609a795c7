"""A window with a virtual pad, its bridge, and the lead's real server (tests/conftest.py's live servers)."""

import json
import time

import pytest
import requests
from sqlalchemy import select

from devices.ratepad import PadSettings, RatePad, VirtualPad
from kiosk.client import ApiClient
from kiosk.padbridge import BridgeSettings, Outbox, PadBridge

WINDOW = 1  # the demo hall's 帮办代办1号窗, serving queue A


def wait_for(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


class Hall:
    """The people around the pad: a kiosk issuing tickets and the helper at our window."""

    def __init__(self, server, window=WINDOW):
        self.server, self.window = server, window
        self.kiosk = {"Authorization": f"Bearer {server.device_token('kiosk')}"}
        self.helper = {"Authorization": f"Bearer {server.helper_session(window)}"}
        self.pad_token = server.device_token("pad", window)
        catalog = requests.get(server.url + "/api/v1/catalog", headers=self.kiosk, timeout=10).json()
        self.queue_id = next(q["id"] for q in catalog["queues"] if q["prefix"] == "A")

    def serve_one(self) -> dict:
        """A person takes a ticket, is called to our window and served: the pad is asked for a rating."""
        url = self.server.url + "/api/v1"
        r = requests.post(url + "/tickets", headers=self.kiosk, timeout=10,
                          json={"queue_id": self.queue_id, "service_type": "help"})
        assert r.status_code == 201, r.text
        r = requests.post(f"{url}/windows/{self.window}/call-next", headers=self.helper, timeout=10)
        assert r.status_code == 200, r.text
        ticket = r.json()
        r = requests.post(f"{url}/tickets/{ticket['id']}/finish", headers=self.helper, timeout=10,
                          json={"outcome": "done", "log": "咨询社保转移，已办结"})
        assert r.status_code == 200, r.text
        return ticket

    def ratings(self) -> list:
        """What the server stored, read from its database."""
        from kiosk.server.models import Rating

        with self.server.database.read() as db:
            return [(r.score, r.pad_seq) for r in db.scalars(select(Rating).order_by(Rating.id))]

    def follow_ups(self, status="open") -> list:
        r = requests.get(self.server.url + "/api/v1/follow-ups", params={"status": status},
                         headers=self.helper, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def pad_health(self) -> list:
        r = requests.get(self.server.url + "/api/v1/devices/health", headers=self.helper, timeout=10)
        assert r.status_code == 200, r.text
        return [h for h in r.json() if h["component"] == "ratepad"]

    def events(self, since=0, until_type=None, timeout=5.0) -> list:
        """The server's event stream read by a plain HTTP client, from event `since` on."""
        found, deadline = [], time.monotonic() + timeout
        with requests.get(self.server.url + "/api/v1/events", params={"since": since}, headers=self.helper,
                          stream=True, timeout=(5, 1)) as resp:
            assert resp.status_code == 200
            try:
                for line in resp.iter_lines(chunk_size=1, decode_unicode=True):
                    if line.startswith("data:"):
                        found.append(json.loads(line[5:]))
                        if found[-1]["type"] == until_type:
                            break
                    if time.monotonic() > deadline:
                        break
            except requests.ConnectionError:  # read timeout: the stream went quiet
                pass
        return found


class Window:
    """The pad and the bridge under test, wired the way `run_bridge` wires them."""

    def __init__(self, tmp_path, server_url, token, window=WINDOW, rating_timeout_s=30.0, simple_key_map=None):
        self.sim = VirtualPad(str(tmp_path / "pad1"), heartbeat_s=0.2, resend_s=0.2,
                              simple_key_map=simple_key_map).start()
        self.outbox = Outbox(tmp_path / "outbox.sqlite3")
        self.api = ApiClient(server_url, token, timeout=(2.0, 2.0))
        pad_settings = PadSettings(simple_key_map=simple_key_map, heartbeat_timeout_s=1.0,
                                   reopen_min_s=0.05, reopen_max_s=0.3)
        self.bridge = PadBridge(window, RatePad(self.sim.path, pad_settings), self.api, self.outbox,
                                BridgeSettings(rating_timeout_s=rating_timeout_s, retry_min_s=0.1, retry_max_s=0.5))

    def start(self):
        self.bridge.start()
        assert self.bridge.stream_up.wait(10), "bridge never reached the event stream"
        wait_for(lambda: self.bridge.pad.connected, what="pad connected")
        return self

    def close(self):
        self.bridge.stop()
        self.api.http.close()
        self.outbox.close()
        self.sim.stop()


@pytest.fixture
def hall(sqlite_server):
    return Hall(sqlite_server)


@pytest.fixture
def window(tmp_path, hall):
    w = Window(tmp_path, hall.server.url, hall.pad_token).start()
    yield w
    w.close()


@pytest.fixture
def quick_window(tmp_path, hall):
    """A window whose pad waits only 1 s for a press."""
    w = Window(tmp_path, hall.server.url, hall.pad_token, rating_timeout_s=1.0).start()
    yield w
    w.close()


@pytest.fixture
def make_hall():
    return Hall


@pytest.fixture
def make_window():
    return Window


@pytest.fixture
def until():
    return wait_for
