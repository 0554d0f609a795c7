"""Shared fixtures: a real server process on 127.0.0.1 over a real SQLite file or PostgreSQL database.

``live_server`` is parametrised over both databases. PostgreSQL tests run when a
server answers at 127.0.0.1:5432 (user postgres); otherwise they are skipped
with the reason, unless BANGBAN_REQUIRE_POSTGRES=1 makes that a failure.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
import requests

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# The tests and benchmarks drive a kiosk far faster than a citizen can; a test of the limit sets its own.
SERVER_ENV = {"BANGBAN_KIOSK_TICKETS_PER_MINUTE": "100000", "BANGBAN_CITIZEN_BOOKINGS_PER_MINUTE": "100000"}
REPO = Path(__file__).resolve().parents[1]


def _private_kivy_home() -> None:
    """Kivy makes its home (~/.kivy) when first imported, unguarded against another process doing the
    same: on a fresh machine two xdist workers importing it at once failed collection (FileExistsError),
    as terminals started together would (kiosk/ui/common/app_base.prepare_kivy gives each its own).
    Each test process gets a home of its own, gone when it ends."""
    if "KIVY_HOME" not in os.environ:
        home = tempfile.mkdtemp(prefix="bangban-kivy-")
        os.environ["KIVY_HOME"] = home
        atexit.register(shutil.rmtree, home, True)


_private_kivy_home()


def start_virtual_screen(screen: str) -> tuple[subprocess.Popen, str]:
    """An Xvfb server and its display name. Xvfb picks a free display number itself
    (``-displayfd``), so test processes and benchmarks running side by side never share a screen."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()  # written once the server accepts clients
    if not number.isdigit():
        proc.kill()
        raise RuntimeError(f"Xvfb could not start (exit {proc.wait(5)})")
    return proc, f":{number}"


@contextlib.contextmanager
def x_display(home: Path, screen: str):
    """A private Xvfb screen; yields the environment a Kivy process needs to run on it."""
    if shutil.which("Xvfb") is None:
        import pytest

        pytest.skip("Xvfb is not installed (apt-get install xvfb): UI tests need an X display")
    proc, display = start_virtual_screen(screen)
    try:
        yield {**os.environ, "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1",
               "KIVY_HOME": str(home), "KIVY_NO_FILELOG": "1", "PYTHONPATH": str(REPO),
               "XDG_CACHE_HOME": str(home / "cache"), "SDL_AUDIODRIVER": "dummy"}
    finally:
        proc.terminate()
        proc.wait(5)


def hall_today() -> date:
    """Today in the demo hall's zone (Asia/Shanghai): the machine's own date differs from it eight
    hours a day, and a test that asks for "today's" records must ask for the hall's."""
    from kiosk.server.timeutil import local_day, utcnow

    return local_day(utcnow())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


class PostgresDatabase:
    """A throw-away database on the local PostgreSQL server."""

    def __init__(self):
        import psycopg

        self.name = f"bangban_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class LiveServer:
    """``bangban server`` in its own process, with the demo hall and helpers to make tokens."""

    def __init__(self, data_dir: Path, db_url: str | None, workers: int = 1, env: dict[str, str] | None = None,
                 seed: bool = True):
        self.data_dir, self.db_url, self.workers, self.env = data_dir, db_url, workers, env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        from kiosk.server.admin import seed_demo
        from kiosk.server.db import Database, migrate

        url = db_url or f"sqlite:///{data_dir / 'bangban.sqlite3'}"
        migrate(url)
        self.database = Database(url)
        if seed:  # False for a second server process on the same database
            seed_demo(self.database)

    @property
    def kind(self) -> str:
        return "postgres" if self.db_url else "sqlite"

    def _args(self) -> list[str]:
        args = [sys.executable, "-m", "kiosk.commands.cli", "server", "--data", str(self.data_dir),
                "--port", str(self.port), "--workers", str(self.workers)]
        return args + (["--db", self.db_url] if self.db_url else [])

    def start(self) -> None:
        log = open(self.data_dir / "server.log", "ab")
        self.proc = subprocess.Popen(self._args(), stdout=log, stderr=subprocess.STDOUT,
                                     env={**SERVER_ENV, **os.environ, **self.env})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError((self.data_dir / "server.log").read_text(errors="replace"))
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not start in 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """A crash, not a shutdown."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    # --- tokens --------------------------------------------------------
    def device_token(self, kind: str, window: int | None = None, name: str | None = None,
                     hall: str | None = None) -> str:
        from kiosk.server.admin import add_device

        return add_device(self.database, kind, name or f"{kind}-{uuid.uuid4().hex[:6]}", window, hall)

    def helper_session(self, window: int, code: str = "1006", pin: str = "246810") -> str:
        terminal = self.device_token("window", window)
        r = requests.post(self.url + "/api/v1/sessions", headers=auth(terminal),
                          json={"helper_code": code, "pin": pin, "window": window}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def close(self) -> None:
        self.stop()
        self.database.dispose()


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def postgres_db():
    """A fresh PostgreSQL database, dropped afterwards; skipped (or failed, when required) without a server."""
    if not postgres_available():
        if os.environ.get("BANGBAN_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (BANGBAN_REQUIRE_POSTGRES=1) but nothing answers at 127.0.0.1:5432")
        pytest.skip("no PostgreSQL answers at 127.0.0.1:5432: PostgreSQL tests skipped")
    db = PostgresDatabase()
    yield db
    db.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    """None for SQLite (under the test's tmp_path), or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres_db").url


@pytest.fixture
def live_server(tmp_path, database_url):
    """A running server with the demo hall, on SQLite and on PostgreSQL."""
    server = LiveServer(tmp_path, database_url)
    server.start()
    yield server
    server.close()


@pytest.fixture
def sqlite_server(tmp_path):
    """A running server on SQLite only, for tests where the database makes no difference."""
    server = LiveServer(tmp_path, None)
    server.start()
    yield server
    server.close()
