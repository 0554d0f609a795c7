"""A region on one machine: the central server and hall servers, each behind a link a test can cut
(tests/linkcut.py). Real processes, real databases; nothing here knows how the link works."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import select

from kiosk.server.auth import hash_pin
from kiosk.server.models import Area, Hall, Helper, Matter, Queue, Window, WindowQueue
from tests.conftest import LiveServer, auth
from tests.linkcut import LinkCut

FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
JPEG = b"\xff\xd8\xff\xe0" + b"page-of-a-household-register" * 200


def until(predicate, timeout=30.0, what="condition", every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def add_township_catalogue(database) -> None:
    """The demo's township hall gets an area, a queue, two windows, a matter and two helpers."""
    with database.write() as db:
        hall = db.scalar(select(Hall).where(Hall.code == "township"))
        area = Area(hall_id=hall.id, name="综合窗口区", kind="division")
        db.add(area)
        db.flush()
        queue = Queue(hall_id=hall.id, area_id=area.id, prefix="T", name="街道综合", service_type="help")
        db.add(queue)
        db.flush()
        for number in (1, 2):
            window = Window(hall_id=hall.id, number=number, name=f"街道{number}号窗", area_id=area.id)
            db.add(window)
            db.flush()
            db.add(WindowQueue(window_id=window.id, queue_id=queue.id))
        db.add(Matter(hall_id=hall.id, queue_id=queue.id, name="居住证申领", category="livelihood", department="公安",
                      time_limit_days=5, steps=["受理", "办结"], materials=["身份证"], search_key="jzzsl"))
        for code, name in (("3001", "街道帮办员甲"), ("3002", "街道帮办员乙")):
            db.add(Helper(hall_id=hall.id, code=code, name=name, role="helper", pin_hash=hash_pin("246810")))


class HallServer:
    """A hall's own server, talking to the centre through a link that can be cut."""

    def __init__(self, root: Path, centre: LiveServer, code: str, node: int, clock_offset: str | None = None,
                 db_url: str | None = None, env: dict | None = None):
        self.code, self.node, self.centre = code, node, centre
        self.link = LinkCut(centre.port)
        (root / code).mkdir(parents=True, exist_ok=True)
        extra_env, env = env, {"BANGBAN_CENTRAL_URL": self.link.url, "BANGBAN_HALL_CODE": code, "BANGBAN_HALL_NODE": str(node),
               "BANGBAN_CENTRAL_TOKEN": centre.device_token("hall_server", hall=code, name=f"{code}厅内服务器")}
        env.update(extra_env or {})
        if clock_offset:  # this machine's clock, minutes off the centre's
            env.update(LD_PRELOAD=FAKETIME, FAKETIME=clock_offset, FAKETIME_DONT_FAKE_MONOTONIC="1")
        self.server = LiveServer(root / code, db_url, seed=False, env=env)
        self.url = self.server.url

    def start(self) -> None:
        self.server.start()

    def token(self, kind: str, window: int | None = None) -> str:
        """Made at the centre, as every device token is; usable here once the catalogue arrived."""
        return self.centre.device_token(kind, window, hall=self.code)

    def wait_for_token(self, token: str, timeout=30.0) -> None:
        until(lambda: requests.get(self.url + "/api/v1/catalog", headers=auth(token), timeout=5).status_code == 200,
              timeout, f"the catalogue at {self.code}")

    def sign_in(self, window: int, code: str, pin: str = "246810") -> str:
        terminal = self.token("window", window)
        self.wait_for_token(terminal)
        r = requests.post(self.url + "/api/v1/sessions", headers=auth(terminal),
                          json={"helper_code": code, "pin": pin, "window": window}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def close(self) -> None:
        self.server.close()
        self.link.close()


class Desk:
    """What the hall's people do, over HTTP: issue, call, finish, upload, refer."""

    def __init__(self, url: str, kiosk: str):
        self.url, self.kiosk = url + "/api/v1", kiosk

    def queue_id(self, prefix: str) -> int:
        catalog = requests.get(self.url + "/catalog", headers=auth(self.kiosk), timeout=10).json()
        return next(q["id"] for q in catalog["queues"] if q["prefix"] == prefix)

    def issue(self, queue_id: int) -> dict:
        r = requests.post(self.url + "/tickets", headers={**auth(self.kiosk), "Idempotency-Key": uuid.uuid4().hex},
                          json={"queue_id": queue_id, "service_type": "help"}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    def call(self, session: str, window: int) -> dict:
        r = requests.post(f"{self.url}/windows/{window}/call-next", headers=auth(session), timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def finish(self, session: str, ticket_id: int) -> dict:
        r = requests.post(f"{self.url}/tickets/{ticket_id}/finish", headers=auth(session), timeout=10,
                          json={"outcome": "done", "log": "已办结"})
        assert r.status_code == 200, r.text
        return r.json()

    def upload(self, ticket_id: int, body: bytes = JPEG) -> dict:
        r = requests.post(f"{self.url}/tickets/{ticket_id}/documents", data=body, timeout=10,
                          headers={**auth(self.kiosk), "Content-Type": "image/jpeg",
                                   "Idempotency-Key": uuid.uuid4().hex})
        assert r.status_code == 201, r.text
        return r.json()

    def refer(self, session: str, ticket_id: int, to_hall: str) -> dict:
        r = requests.post(self.url + "/referrals", headers=auth(session), timeout=10,
                          json={"ticket_id": ticket_id, "to_hall": to_hall, "note": "需上级核实"})
        assert r.status_code == 201, r.text
        return r.json()


def start_pad_bridge(folder: Path, url: str, token: str, window: int, port: str) -> subprocess.Popen:
    log = open(folder / f"bridge{window}.log", "ab")
    return subprocess.Popen([sys.executable, "-m", "kiosk.padbridge", "--window", str(window), "--port", port,
                             "--server", url, "--token", token, "--data", str(folder)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
