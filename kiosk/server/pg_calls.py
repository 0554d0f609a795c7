"""One-statement transactions on PostgreSQL, from the event loop, on connections of their own.

The functions of ``pg_functions.sql`` run in autocommit: the call is its own transaction, so
one round trip. Taking a connection from SQLAlchemy's asyncio pool and switching it to
autocommit and back cost more than the call itself (about 250,000 instructions against
150,000), so these connections are kept apart, in autocommit for good.

Why not ``psycopg_pool`` (measured for issue 20, against PostgreSQL): a call through it cost
about 321,000 instructions against this pool's 257,000; while the database refuses connections
it holds every call for its whole wait (30 s by default) instead of failing at once with 503;
once the database is back it reconnects only on its back-off (4.4 s after a short outage,
longer after a long one); and its workers ignore cancellation, so a loop that ends without
closing it hangs. ``tests/server/test_pg_calls.py`` holds the behaviour that matters here.
"""
from __future__ import annotations

import asyncio
import select

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy.exc import DBAPIError

IDLE = psycopg.pq.TransactionStatus.IDLE


def hung_up(socket_fd: int) -> bool:
    """An idle connection the database server has written to since it was last used: a server
    that restarts, or ends the session, says so and closes it. Nothing else arrives unasked
    on our connections, so such a one is not used again. One system call, no round trip."""
    poller = select.poll()  # not select.select(), which fails on descriptors past 1024
    poller.register(socket_fd, select.POLLIN)
    return bool(poller.poll(0))


class CallPool:
    """At most ``size`` connections, opened when first needed; one that failed or was cut
    short mid-exchange is closed, not reused, and the next call opens another."""

    def __init__(self, dsn: str, size: int = 10):
        self.dsn, self.size = dsn, size
        self._idle: list[psycopg.AsyncConnection] = []
        self._open = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._freed: asyncio.Condition | None = None

    async def call(self, query: str, params: tuple) -> list:
        """The statement's rows as named tuples; psycopg's errors as SQLAlchemy's (without the
        parameters, which hold phone numbers)."""
        try:
            conn = await self._take()
            try:
                cursor = conn.cursor(row_factory=namedtuple_row)
                await cursor.execute(query, params)
                return await cursor.fetchall()
            finally:
                await self._give_back(conn)
        except psycopg.Error as exc:
            raise DBAPIError.instance(query, None, exc, psycopg.Error) from exc

    async def _take(self) -> psycopg.AsyncConnection:
        if self._loop is not asyncio.get_running_loop():  # the server has one loop; a test may run several
            self._loop, self._freed = asyncio.get_running_loop(), asyncio.Condition()
        async with self._freed:
            while not self._idle and self._open >= self.size:
                await self._freed.wait()
            while self._idle:
                conn = self._idle.pop()
                if not hung_up(conn.pgconn.socket):
                    return conn
                # the others were opened before it, and a restart took them too
                stale, self._idle = [conn, *self._idle], []
                self._open -= len(stale)
                self._freed.notify(len(stale))
                for each in stale:
                    await each.close()
            self._open += 1
        try:
            return await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
        except BaseException:
            await self._forget()
            raise

    async def _give_back(self, conn: psycopg.AsyncConnection) -> None:
        lost = conn.closed or conn.broken
        if lost or conn.info.transaction_status != IDLE:
            # lost to the server (restarted, or the connection ended): the idle ones were opened
            # before, so the next calls are made on new connections rather than fail on them too
            stale, self._idle = ([conn, *self._idle], []) if lost else ([conn], self._idle)
            for each in stale:
                await each.close()
                await self._forget()
            return
        async with self._freed:
            self._idle.append(conn)
            self._freed.notify()

    async def _forget(self) -> None:
        async with self._freed:
            self._open -= 1
            self._freed.notify()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()
