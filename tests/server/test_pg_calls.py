"""The pool of the hot paths' one-statement calls on PostgreSQL: bounded, and never handing out
a connection the database server has dropped."""
import asyncio
import time

import psycopg
import pytest

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


def test_calls_share_at_most_size_connections(postgres_db):
    pool = CallPool(_dsn(postgres_db), size=2)

    async def eight_at_once():
        rows = await asyncio.gather(*(pool.call("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)", ())
                                      for _ in range(8)))
        await pool.close()
        return {r[0].pid for r in rows}

    assert len(asyncio.run(eight_at_once())) == 2


def test_after_the_server_drops_its_connections_the_next_calls_work(postgres_db):
    pool = CallPool(_dsn(postgres_db), size=4)

    async def restart_between_calls():
        await asyncio.gather(*(pool.call("SELECT pg_sleep(0.05)", ()) for _ in range(3)))  # three idle
        _drop_connections(postgres_db.name)
        answers = [(await pool.call("SELECT %s::int AS n", (n,)))[0].n for n in range(3)]
        await pool.close()
        return answers

    assert asyncio.run(restart_between_calls()) == [0, 1, 2]


def test_a_call_cut_short_does_not_leave_its_connection_to_the_next(postgres_db):
    pool = CallPool(_dsn(postgres_db), size=1)

    async def cancel_one():
        slow = asyncio.create_task(pool.call("SELECT pg_sleep(5)", ()))
        await asyncio.sleep(0.3)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        rows = await asyncio.wait_for(pool.call("SELECT 42 AS answer", ()), timeout=3)
        await pool.close()
        return rows[0].answer

    assert asyncio.run(cancel_one()) == 42
