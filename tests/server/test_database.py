"""The database layer: writes from the event loop never wait on it, checkpoints off the request path."""
import asyncio
import threading
import time

from sqlalchemy import insert

from kiosk.server.db import Database, migrate
from kiosk.server.models import AuditEntry
from kiosk.server.timeutil import utcnow
from tests.server.api import Api


def _database(folder, **kw) -> Database:
    url = f"sqlite:///{folder / 'hall.sqlite3'}"
    migrate(url)
    return Database(url, **kw)


def _write_rows(tx, n: int = 1) -> None:
    tx.execute(insert(AuditEntry), [{"at": utcnow(), "action": "test.row", "detail": {"pad": "x" * 2000}}
                                    for _ in range(n)])


def test_a_write_from_the_loop_goes_to_a_thread_while_another_writer_holds_the_lock(tmp_path):
    database = _database(tmp_path)
    held, release = threading.Event(), threading.Event()

    def other_writer():
        with database.writer_lock:
            held.set()
            release.wait(5)

    async def main():
        threading.Thread(target=other_writer).start()
        held.wait(5)
        ticks = 0

        async def clock():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(clock())
        asyncio.get_running_loop().call_later(0.3, release.set)
        started = time.monotonic()
        await database.run(_write_rows)
        waited = time.monotonic() - started
        ticking.cancel()
        return waited, ticks

    waited, ticks = asyncio.run(main())
    assert waited >= 0.25  # it did wait for the other writer...
    assert ticks >= 10  # ...and the loop went on meanwhile
    database.dispose()


def test_with_background_checkpoints_no_commit_copies_the_log_until_checkpoint_is_called(tmp_path):
    """The database file grows only when the write-ahead log is copied into it: by the commit
    past 1000 pages normally, by ``checkpoint()`` alone when the server does it in the background."""
    def grows_after_writes(database: Database, main_file) -> tuple[int, int]:
        before = main_file.stat().st_size
        for _ in range(60):  # about 1500 pages of log
            with database.write() as db:
                _write_rows(db, 50)
        return before, main_file.stat().st_size

    (tmp_path / "a").mkdir()
    automatic = _database(tmp_path / "a")
    before, after = grows_after_writes(automatic, tmp_path / "a" / "hall.sqlite3")
    assert after > before + 1_000_000
    automatic.dispose()

    (tmp_path / "b").mkdir()
    background = _database(tmp_path / "b", background_checkpoints=True)
    before, after = grows_after_writes(background, tmp_path / "b" / "hall.sqlite3")
    assert after == before
    background.checkpoint()
    assert (tmp_path / "b" / "hall.sqlite3").stat().st_size > before + 1_000_000
    background.dispose()


def test_the_server_checkpoints_its_log_by_itself(sqlite_server):
    """Its commits leave the log alone (the test above), so only its background checkpoints
    move the tickets into the database file."""
    main_file = sqlite_server.data_dir / "bangban.sqlite3"
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    before = main_file.stat().st_size
    for _ in range(150):
        assert kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).status_code == 201
    deadline = time.monotonic() + 5
    while main_file.stat().st_size <= before:
        assert time.monotonic() < deadline, "the write-ahead log was not copied into the database in 5 s"
        time.sleep(0.2)
