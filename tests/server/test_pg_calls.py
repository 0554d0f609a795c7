"""The pool of the hot paths' one-statement calls on PostgreSQL: bounded, never handing out a
connection the database server has dropped, and failing at once while the database refuses
connections, so the client hears 503 now rather than after a wait."""
import asyncio
import time

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from kiosk.server.pg_calls import CallPool

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _dsn(postgres_db) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{postgres_db.name}"


def _drop_connections(name: str) -> None:
    """What a restart of the database server does to the connections it had."""
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0]:
            time.sleep(0.02)


def _allow_connections(name: str, allow: bool) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')


def _run(pool: CallPool, work):
    """``work(pool)`` on a loop of its own, the pool closed on it whatever happens."""
    async def closing():
        try:
            return await work(pool)
        finally:
            await pool.close()
    return asyncio.run(closing())


def test_calls_share_at_most_size_connections(postgres_db):
    async def eight_at_once(pool):
        rows = await asyncio.gather(*(pool.call("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)", ())
                                      for _ in range(8)))
        return {r[0].pid for r in rows}

    assert len(_run(CallPool(_dsn(postgres_db), size=2), eight_at_once)) == 2


def test_after_the_server_drops_its_connections_the_next_calls_work(postgres_db):
    async def restart_between_calls(pool):
        await asyncio.gather(*(pool.call("SELECT pg_sleep(0.05)", ()) for _ in range(3)))  # three idle
        _drop_connections(postgres_db.name)
        return [(await pool.call("SELECT %s::int AS n", (n,)))[0].n for n in range(3)]

    assert _run(CallPool(_dsn(postgres_db), size=4), restart_between_calls) == [0, 1, 2]


def test_while_the_database_refuses_connections_calls_fail_at_once_and_work_once_it_is_back(postgres_db):
    async def away_and_back(pool):
        await asyncio.gather(*(pool.call("SELECT pg_sleep(0.05)", ()) for _ in range(2)))
        _allow_connections(postgres_db.name, False)
        _drop_connections(postgres_db.name)
        try:
            for _ in range(3):  # the kiosk hears 503 now, not after a wait for a connection
                with pytest.raises(OperationalError):
                    await asyncio.wait_for(pool.call("SELECT 1", ()), timeout=5)
        finally:
            _allow_connections(postgres_db.name, True)
        # at once, not after a reconnection back-off
        return (await asyncio.wait_for(pool.call("SELECT 42 AS answer", ()), timeout=2))[0].answer

    assert _run(CallPool(_dsn(postgres_db), size=4), away_and_back) == 42


def test_a_call_cut_short_does_not_leave_its_connection_to_the_next(postgres_db):
    async def cancel_one(pool):
        slow = asyncio.create_task(pool.call("SELECT pg_sleep(5)", ()))
        await asyncio.sleep(0.3)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        rows = await asyncio.wait_for(pool.call("SELECT 42 AS answer", ()), timeout=3)
        return rows[0].answer

    assert _run(CallPool(_dsn(postgres_db), size=1), cancel_one) == 42
