"""The database: one engine per server, SQLite (WAL, immediate write transactions) or PostgreSQL."""
from __future__ import annotations

import contextlib
import threading
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str, *, write_lock: bool = True) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=20, max_overflow=20)
        _sqlite_pragmas(engine)
        if write_lock:
            _sqlite_immediate_begin(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # no pre-ping: it would cost a round trip per checkout; a dead connection invalidates the pool instead
    return create_engine(url, pool_size=20, max_overflow=20)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()


def _sqlite_immediate_begin(engine: Engine) -> None:
    """Every write transaction takes the lock at BEGIN, so read-then-write cannot race.

    pysqlite's own BEGIN is deferred; we switch it off and begin ourselves.
    """
    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def migrate(url: str) -> None:
    """Bring the schema to the newest revision (run at every server start)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")


class Database:
    """Write transactions (serialised on SQLite) and plain reads (WAL readers never wait)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.read_engine = make_engine(url, write_lock=False) if url.startswith("sqlite") else self.engine
        self._write = sessionmaker(self.engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite lets one writer in at a time and makes the others poll with growing sleeps;
        # queueing our own threads on a lock instead keeps the wait as short as the work.
        self._sqlite_writer = threading.Lock() if url.startswith("sqlite") else contextlib.nullcontext()

    @property
    def is_postgres(self) -> bool:
        return is_postgres(self.engine)

    @contextmanager
    def write(self):
        with self._sqlite_writer, self._write() as session:
            with session.begin():
                yield session

    @contextmanager
    def read(self):
        with self._read() as session:  # closing ends the read without expiring what was loaded
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure to reach the database is "not ok" for /healthz
        return False
