"""The event payloads PostgreSQL's functions build with ``json_build_object`` (pg_functions.sql,
for speed) are the payloads ``kiosk.wire.events`` defines: for every event type the SQL writes,
the same fields, no more and no fewer, each of the model's type, on a real PostgreSQL."""
import asyncio
import re
from pathlib import Path

from sqlalchemy import text

from kiosk.domain.queue_policy import Policy
from kiosk.server import pg_fast_paths as fast
from kiosk.wire.events import PAYLOADS
from tests.server.test_pg_fast_paths import Hall, _press, _ticket

SQL = Path(__file__).resolve().parents[2] / "kiosk" / "server" / "pg_functions.sql"


def types_the_sql_writes() -> set[str]:
    """Every event type an ``INSERT INTO event_outbox`` of the functions names."""
    source = SQL.read_text()
    inserts = re.findall(r"INSERT INTO event_outbox.*?;", source, flags=re.S)
    return {t for insert in inserts for t in re.findall(r"'([a-z_]+\.[a-z_]+)', p_now, json_build_object", insert)}


def test_the_sql_names_the_event_types_it_writes():
    assert types_the_sql_writes() == {"ticket.issued", "ticket.called", "ticket.finished", "rating.requested",
                                      "rating.recorded", "followup.opened"}


def test_every_payload_the_functions_build_is_its_model(postgres_db):
    hall = Hall(postgres_db.url)

    async def a_visit_and_a_bad_rating():
        for priority, phone in ((None, None), ("elderly", "13800138000")):
            await fast.issue(hall.db, hall.kiosk, _ticket(queue_id=hall.queues["A"], priority=priority,
                                                          phone=phone), None, Policy())
        called = await fast.call_next(hall.db, hall.helpers[1], 1)
        assert await fast.finish(hall.db, hall.helpers[1], called.id, _finish("done", "帮助填写 𠮷")) is not None
        assert await fast.rate(hall.db, hall.pad, 1, _press(1, 1), 600) is not None  # opens a follow-up
        await hall.db.close()

    try:
        asyncio.run(a_visit_and_a_bad_rating())
        with hall.db.read() as s:
            written = s.execute(text("SELECT type, data FROM event_outbox UNION ALL SELECT type, data FROM events"
                                     " ORDER BY 1")).all()
    finally:
        hall.db.dispose()
    assert {t for t, _ in written} == types_the_sql_writes()
    for type_, data in written:
        model = PAYLOADS[type_]
        assert model.model_validate(data, strict=True).model_dump(mode="json", exclude_unset=True) == data, type_


def test_a_payload_with_a_field_missing_or_mistyped_is_not_its_model():
    """What the test above relies on: the comparison sees a field too few, too many or of the wrong type."""
    good = {"ticket_id": 7, "number": "A007", "queue_id": 1, "priority": True, "waiting": 3}
    model = PAYLOADS["ticket.issued"]
    assert model.model_validate(good, strict=True).model_dump(mode="json") == good
    assert model.model_validate({**good, "extra": 1}).model_dump(mode="json") != {**good, "extra": 1}
    for broken in ({**good, "priority": 1}, {**good, "waiting": "3"}, {k: v for k, v in good.items() if k != "number"}):
        try:
            model.model_validate(broken, strict=True)
        except ValueError:
            continue
        raise AssertionError(f"{broken} passed as ticket.issued")


def _finish(outcome: str, log: str):
    from types import SimpleNamespace

    return SimpleNamespace(outcome=outcome, log=log)
