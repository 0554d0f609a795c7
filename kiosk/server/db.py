"""The database: one engine per server, SQLite (WAL, immediate write transactions) or PostgreSQL."""
from __future__ import annotations

import asyncio
import contextlib
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.events import write_pending

MIGRATIONS = Path(__file__).with_name("migrations")
PG_FUNCTIONS = Path(__file__).with_name("pg_functions.sql")
_INSTALL_LOCK = 0x62616E68  # "banh": one installer at a time when several servers start at once
T = TypeVar("T")


def make_engine(url: str, *, write_lock: bool = True, autocheckpoint: bool = True) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=20, max_overflow=20)
        _sqlite_pragmas(engine, autocheckpoint)
        if write_lock:
            _sqlite_immediate_begin(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # no pre-ping, which costs a round trip per checkout: a look at the socket finds what a
    # database restart left behind, before the request's first statement fails on it
    engine = create_engine(url, pool_size=20, max_overflow=20)
    event.listen(engine, "checkout", _not_hung_up)
    return engine


def _not_hung_up(dbapi_conn, _record, _proxy) -> None:
    from kiosk.server.pg_calls import hung_up

    if hung_up(dbapi_conn.pgconn.socket):  # the others were opened before it: all are discarded
        raise exc.InvalidatePoolError("the database server closed the connection")


def _sqlite_pragmas(engine: Engine, autocheckpoint: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if not autocheckpoint:  # Database.checkpoint() does it, off the request path
            cur.execute("PRAGMA wal_autocheckpoint=0")
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
    """Bring the schema to the newest revision (run at every server start); on PostgreSQL,
    then (re)create the functions of ``pg_functions.sql``, which match that revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")
    if url.startswith("postgresql"):
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _INSTALL_LOCK})
                conn.exec_driver_sql(PG_FUNCTIONS.read_text())
        finally:
            engine.dispose()


class Transaction:
    """A Core connection inside a write transaction. It answers ``execute``, ``get_bind`` and
    ``info`` as a Session does, so the helpers shared with the ORM routes (``events.record``,
    ``audit``, ``rollups.changed``) take either."""

    def __init__(self, conn: Connection):
        self.conn, self.info = conn, {}

    def execute(self, statement, params=None):
        return self.conn.execute(statement, params)

    def get_bind(self) -> Connection:
        return self.conn


class Database:
    """Write transactions (serialised on SQLite) and plain reads (WAL readers never wait).

    ``background_checkpoints``: on SQLite, the commit that fills the write-ahead log past
    1000 pages copies it into the database and syncs the disk, tens of milliseconds in the
    middle of some request; the server turns that off and calls ``checkpoint()`` every second
    from a thread of its own instead.
    """

    def __init__(self, url: str, *, background_checkpoints: bool = False):
        from kiosk.server.sync import ids

        ids.give_ids_from_the_block()
        self.url = url
        self.engine = make_engine(url, autocheckpoint=not background_checkpoints)
        self.read_engine = make_engine(url, write_lock=False) if url.startswith("sqlite") else self.engine
        self._write = sessionmaker(self.engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite lets one writer in at a time and makes the others poll with growing sleeps;
        # queueing our own threads on a lock instead keeps the wait as short as the work.
        self._sqlite_lock = threading.Lock() if url.startswith("sqlite") else None
        self._sqlite_writer = self._sqlite_lock or contextlib.nullcontext()
        # told of each commit's events, in commit order (the server's EventHub listens here;
        # on PostgreSQL the list is empty: they are in the outbox)
        self.on_commit: Callable[[list], None] | None = None
        self._async = None
        self._calls = None

    @property
    def is_postgres(self) -> bool:
        return is_postgres(self.engine)

    @contextmanager
    def write(self):
        with self._sqlite_writer, self._write() as session:
            with session.begin():
                yield session
            self._committed(session.info)

    def _committed(self, info: dict) -> None:
        """After a commit, still in commit order (on SQLite the writer lock is held)."""
        written = info.pop("written_events", None)
        if written is not None and self.on_commit is not None:
            self.on_commit(written)

    @contextmanager
    def read(self):
        with self._read() as session:  # closing ends the read without expiring what was loaded
            session.info["database"] = self  # for a write beside the read (rollups.build_day)
            yield session

    @property
    def writer_lock(self):
        """What a write of its own must hold: on SQLite, the lock the server's writers take turns on."""
        return self._sqlite_writer

    def _in_transaction(self, conn: Connection, work: Callable[[Transaction], T]) -> T:
        with conn.begin():
            tx = Transaction(conn)
            result = work(tx)
            write_pending(tx)  # last, as a Session's before_commit does
        self._committed(tx.info)
        return result

    @property
    def _async_engine(self):
        """PostgreSQL through psycopg's asyncio side, made when the server's loop first needs it.
        The hot paths are ``call``s, on connections of their own, so a failure there does not
        tell this pool that the database went away: it pings a connection before handing it out."""
        if self._async is None:
            from sqlalchemy.ext.asyncio import create_async_engine

            self._async = create_async_engine(self.engine.url, pool_size=10, max_overflow=10, pool_pre_ping=True)
        return self._async

    async def run(self, work: Callable[[Transaction], T]) -> T:
        """``work`` in a write transaction, called from the event loop, without a thread.

        A thread costs more than the work itself (about a millisecond) in hand-offs, each of
        which can wait out the GIL's 5 ms switch interval on a busy server. On SQLite, when no
        other writer in this process holds the lock, the work runs right here; when one does,
        on a thread, so the loop does not wait for it (another process writing to the file, a
        command-line tool, is waited for as SQLite waits: briefly). On PostgreSQL it runs as
        SQLAlchemy's asyncio extension runs plain code: in a greenlet that gives the loop back
        while each statement is answered.
        """
        if self._sqlite_lock is None:
            async with self._async_engine.connect() as conn:
                return await conn.run_sync(self._in_transaction, work)
        if self._sqlite_lock.acquire(blocking=False):
            try:
                with self.engine.connect() as conn:
                    return self._in_transaction(conn, work)
            finally:
                self._sqlite_lock.release()
        return await asyncio.to_thread(self._locked_transaction, work)

    def _locked_transaction(self, work: Callable[[Transaction], T]) -> T:
        with self._sqlite_writer, self.engine.connect() as conn:
            return self._in_transaction(conn, work)

    async def call(self, query: str, params: tuple, *, writes_events: bool = True) -> list:
        """PostgreSQL only: one statement (a call of a function of ``pg_functions.sql``) in a
        transaction of its own, from the event loop: one round trip, with no BEGIN or COMMIT,
        straight through psycopg (``pg_calls``). Its rows as named tuples. The event hub is
        told, as after a commit, when the statement may have written events."""
        if self._calls is None:
            from kiosk.server.pg_calls import CallPool

            self._calls = CallPool(self.engine.url.set(drivername="postgresql").render_as_string(False))
        rows = await self._calls.call(query, params)
        if writes_events:
            self._committed({"written_events": []})
        return rows

    async def read_on_loop(self, work: Callable[[Session], T]) -> T:
        """``work`` on a read session, called from the event loop: on SQLite right here (a WAL
        reader waits for nobody), on PostgreSQL in a greenlet as ``run`` does."""
        if self._sqlite_lock is None:
            from sqlalchemy.ext.asyncio import AsyncSession

            async with AsyncSession(self._async_engine, expire_on_commit=False) as session:
                session.sync_session.info["database"] = self
                return await session.run_sync(work)
        with self.read() as session:
            return work(session)

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database as far as readers allow (SQLite's PASSIVE
        checkpoint: writers go on meanwhile)."""
        if self.url.startswith("sqlite"):
            with self.read_engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    async def close(self) -> None:
        """The end of the server's loop: its asyncio connections are closed on it."""
        if self._calls is not None:
            await self._calls.close()
            self._calls = None
        if self._async is not None:
            await self._async.dispose()
            self._async = None
        self.dispose()

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
