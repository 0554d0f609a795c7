"""The hot paths never read a whole table of the hall's history: every statement that issuing,
calling, serving, rating and following the stream runs is checked with SQLite's query planner."""
import asyncio
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from kiosk.domain.queue_policy import Policy
from kiosk.server import rating_records, tickets as ops
from kiosk.server.admin import add_device, seed_demo
from kiosk.server.auth import identify, new_token, still_valid
from kiosk.server.db import Database, migrate
from kiosk.server.events import EventHub
from kiosk.server.models import Helper, HelperSession, Window
from kiosk.server.timeutil import utcnow

HISTORY = ("tickets", "services", "ratings", "events", "audit_log", "follow_ups", "helper_sessions")
FULL_READ = re.compile(rf"\bSCAN ({'|'.join(HISTORY)})\b")


@pytest.fixture
def hall(tmp_path):
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    migrate(url)
    database = Database(url)
    seed_demo(database)
    kiosk, pad, terminal = (add_device(database, "kiosk", "k"), add_device(database, "pad", "p", 1),
                            add_device(database, "window", "w", 1))
    session, digest = new_token("bbs")
    with database.write() as db:
        db.add(HelperSession(token_hash=digest, helper_id=db.scalar(select(Helper.id).where(Helper.code == "1001")),
                             device_id=identify(db, terminal).device.id,
                             window_id=db.scalar(select(Window.id).where(Window.number == 1)), started_at=utcnow()))
    with database.read() as db:
        callers = SimpleNamespace(kiosk=identify(db, kiosk), pad=identify(db, pad), helper=identify(db, session))
    yield database, callers
    database.dispose()


def _statements_of(database: Database, work) -> list[tuple[str, tuple]]:
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    for engine in {database.engine, database.read_engine}:
        event.listen(engine, "before_cursor_execute", capture)
    try:
        work()
    finally:
        for engine in {database.engine, database.read_engine}:
            event.remove(engine, "before_cursor_execute", capture)
    return [(s, p) for s, p in seen if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))]


def test_no_hot_statement_reads_a_history_table_in_full(hall):
    database, who = hall
    req = SimpleNamespace(matter_id=None, queue_id=1, service_type="help", priority_group=None, phone=None)

    def a_visit():
        run = lambda work: asyncio.run(database.run(work))  # noqa: E731
        for key in ("k1", "k1", "k2"):  # the second is a kiosk's retry
            run(lambda tx: ops.issue(tx, who.kiosk, req, key, Policy()))
        first = run(lambda tx: ops.call_next(tx, who.helper, 1))
        run(lambda tx: ops.act(tx, who.helper, first.id, "recall"))
        run(lambda tx: ops.transfer(tx, who.helper, first.id, SimpleNamespace(to_window=2, to_queue=None, note=""),
                                    Policy()))
        second = run(lambda tx: ops.call_next(tx, who.helper, 1))
        run(lambda tx: ops.act(tx, who.helper, second.id, "start"))
        run(lambda tx: ops.ticket_out(tx, ops.finish(tx, who.helper, second.id,
                                                     SimpleNamespace(outcome="done", log="")), staff=True))
        press = SimpleNamespace(score=1, pad_seq=1, service_id=None, pressed_at=None)
        run(lambda tx: rating_records.record(tx, who.pad, 1, press, 600))
        run(lambda tx: rating_records.record(tx, who.pad, 1, press, 600))  # the pad sent it twice
        with database.read() as db:
            assert still_valid(db, who.helper) and still_valid(db, who.kiosk)
        EventHub(database)._fetch(0, {who.kiosk.hall_id})

    statements = _statements_of(database, a_visit)
    assert len(statements) > 30
    with database.read_engine.connect() as conn:
        for statement, parameters in statements:
            plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert not [line for line in plan if FULL_READ.search(line)], (statement, plan)
