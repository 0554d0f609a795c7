"""On PostgreSQL, issue, call-next, finish and rate run as database functions
(kiosk/server/pg_functions.sql); the Python of tickets.py and rating_records.py stays the rule.
Here one hall's day is played twice, on two databases seeded alike: once through the Python
path alone, once as the server plays it (the functions, and the Python path where they refuse).
Every answer, every error and every record written must come out the same."""
import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text, update

from kiosk.domain.queue_policy import TIER_NORMAL, CallKey, Policy
from kiosk.server import pg_fast_paths as fast, rating_records, tickets as ops
from kiosk.server.admin import add_device, seed_demo
from kiosk.server.auth import identify, new_token
from kiosk.server.db import Database, migrate
from kiosk.server.errors import ApiError
from kiosk.server.models import Helper, HelperSession, Matter, Queue, Service, Ticket, Window
from kiosk.server.timeutil import local_day, utcnow
from tests.conftest import PostgresDatabase

RECORDS = {  # table: the columns that say what happened (times only as set or not)
    "tickets": "id, hall_id, queue_id, matter_id, device_id, idempotency_key, service_type, day, seq, number, "
               "status, priority_group, phone, tier, target_window_id, window_id, helper_id, "
               "called_at IS NULL, recall_count, outcome, finished_at IS NULL",
    "services": "id, ticket_id, queue_id, window_id, helper_id, started_at IS NULL, ended_at IS NULL, "
                "finished_at IS NULL, end_reason, outcome, log",
    "ratings": "id, service_id, window_id, helper_id, device_id, score, pad_seq",
    "follow_ups": "id, rating_id, helper_id, status, note",
    "audit_log": "id, hall_id, action, helper_id, device_id, ticket_id, detail::text::jsonb",
    "event_outbox": "id, hall_id, type, data::text::jsonb",
    "ticket_counters": "hall_id, queue_id, day, last_seq",
    "figure_days": "hall_id, day, changes",
}


class Hall:
    """A seeded database with a kiosk, a pad at window 1 and helpers signed in at windows 1 and 2."""

    def __init__(self, url: str):
        migrate(url)
        self.db = Database(url)
        seed_demo(self.db)
        kiosk, pad = add_device(self.db, "kiosk", "k"), add_device(self.db, "pad", "p", 1)
        sessions = [self._session(window, code) for window, code in ((1, "1001"), (2, "1002"))]
        with self.db.read() as s:
            self.kiosk, self.pad = identify(s, kiosk), identify(s, pad)
            self.helpers = {1: identify(s, sessions[0]), 2: identify(s, sessions[1])}
            self.matters = {m.name: m.id for m in s.scalars(select(Matter))}
            self.queues = {q.prefix: q.id for q in s.scalars(select(Queue))}

    def _session(self, window: int, code: str) -> str:
        terminal = add_device(self.db, "window", f"w{window}", window)
        token, digest = new_token("bbs")
        with self.db.write() as s:
            s.add(HelperSession(token_hash=digest, helper_id=s.scalar(select(Helper.id).where(Helper.code == code)),
                                device_id=identify(s, terminal).device.id,
                                window_id=s.scalar(select(Window.id).where(Window.number == window)),
                                started_at=utcnow()))
        return token

    def records(self) -> dict:
        with self.db.read() as s:
            return {table: [tuple(r) for r in s.execute(text(f"SELECT {cols} FROM {table} ORDER BY 1, 2"))]
                    for table, cols in RECORDS.items()}

    def held_since_yesterday(self, window: int) -> None:
        """The ticket the window holds was called before midnight."""
        with self.db.write() as s:
            ticket_id = s.scalar(select(Ticket.id).where(Ticket.status.in_(("called", "serving")),
                                                         Ticket.window_id == s.scalar(
                                                             select(Window.id).where(Window.number == window))))
            s.execute(update(Service).where(Service.ticket_id == ticket_id, Service.ended_at.is_(None))
                      .values(called_at=utcnow() - timedelta(days=1)))


def _python_path(hall: Hall, step: str, *args):
    work = {
        "issue": lambda tx: ops.issue(tx, hall.kiosk, *args, Policy()),
        # a booked citizen checked in early (check-in runs in Python on both databases)
        "issue_held": lambda tx: ops.issue(tx, hall.kiosk, *args, Policy(),
                                           booked=CallKey(TIER_NORMAL, utcnow() + timedelta(hours=1))),
        "call": lambda tx: _shown(ops.call_next(tx, hall.helpers[args[0]], args[0]), tx),
        "finish": lambda tx: _shown(ops.finish(tx, hall.helpers[args[0]], *args[1:]), tx),
        "rate": lambda tx: rating_records.record(tx, hall.pad, 1, args[0], 600),
    }[step]
    return asyncio.run(hall.db.run(work))


def _server_path(hall: Hall, step: str, *args) -> tuple[object, bool]:
    """What the routes do on PostgreSQL: the answer, and whether a function gave it."""
    async def by_function():
        if step == "issue":
            return await fast.issue(hall.db, hall.kiosk, *args, Policy())
        if step == "call":
            return _shown(await fast.call_next(hall.db, hall.helpers[args[0]], args[0]), None, args[0]) or "none"
        if step == "finish":
            return _shown(await fast.finish(hall.db, hall.helpers[args[0]], *args[1:]), None, args[0])
        return await fast.rate(hall.db, hall.pad, 1, args[0], 600)

    answer = None if step == "issue_held" else asyncio.run(by_function())
    if answer is None:
        return _python_path(hall, step, *args), False
    return (None if answer == "none" else answer), True


def _shown(ticket, tx, window=None):
    return ticket and ops.ticket_out(tx, ticket, staff=True, window=window)


VOLATILE = {"issued_at", "called_at", "finished_at", "public_token", "rated_at"}


def _comparable(play) -> tuple:
    """An answer without its times and random token, or the refusal."""
    try:
        answer = play()
    except ApiError as exc:
        return ("refused", exc.status, exc.code, exc.message)
    steady = lambda body: {k: v for k, v in body.model_dump().items() if k not in VOLATILE}  # noqa: E731
    if isinstance(answer, tuple):  # issue and rate: the body and whether it is new or a retry's
        return ("answered", steady(answer[0]), answer[1])
    return ("answered", answer and steady(answer))


@pytest.fixture
def two_halls(postgres_db):
    second = PostgresDatabase()
    halls = Hall(postgres_db.url), Hall(second.url)
    yield halls
    for hall in halls:
        hall.db.dispose()
        asyncio.run(hall.db.close())
    second.drop()


def _press(seq: int, score: int, service_id=None):
    return SimpleNamespace(score=score, pad_seq=seq, service_id=service_id, pressed_at=None)


def _ticket(queue_id=None, matter_id=None, service_type="help", priority=None, phone=None):
    return SimpleNamespace(queue_id=queue_id, matter_id=matter_id, service_type=service_type,
                           priority_group=priority, phone=phone)


def test_a_day_through_the_functions_is_the_day_the_python_path_makes(two_halls):
    python, server = two_halls
    q, m = python.queues, python.matters
    no_proxy = next(name for name, _ in sorted(m.items()) if not _proxy_allowed(python, name))
    day = [
        ("issue", _ticket(queue_id=q["A"]), "k1"),
        ("issue", _ticket(queue_id=q["A"], priority="elderly", phone="13800138000"), "k2"),
        ("issue", _ticket(queue_id=q["A"]), "k1"),  # a retry: the first try's ticket
        ("issue", _ticket(matter_id=m[no_proxy], service_type="proxy"), "k3"),  # not offered: 422
        ("issue", _ticket(matter_id=m[no_proxy]), "k4"),
        ("issue", _ticket(queue_id=999999), "k5"),  # no such queue: 404
        ("issue", _ticket(matter_id=999999), "k6"),  # no such matter: 404
        ("issue", _ticket(queue_id=q["B"], service_type="proxy"), None),  # no key
        ("call", 1), ("call", 1),  # the priority ticket, then: the window is busy
        ("finish", 1, None, SimpleNamespace(outcome="done", log="帮助填写申请表")),
        ("rate", _press(1, 5)), ("rate", _press(1, 5)),  # the pad sent it twice
        ("rate", _press(2, 4)),  # already rated
        ("call", 2), ("finish", 2, None, SimpleNamespace(outcome="case_opened", log="")),
        ("rate", _press(3, 1)),  # window 1's last finished service is rated already: 409
        ("call", 1), ("finish", 1, None, SimpleNamespace(outcome="done", log="")),
        ("rate", _press(4, 1)),  # a bad rating opens a follow-up
        ("call", 1), ("call", 1), ("call", 2), ("call", 2),  # the lines run dry: 204s
        ("finish", 1, 999999, SimpleNamespace(outcome="done", log="")),  # no such ticket: 404
    ]
    by_function = _play_both(python, server, day)
    assert by_function.count(False) == 1  # only the retry was answered by the Python path
    assert python.records() == server.records()


def test_the_unusual_cases_go_to_the_python_path_and_come_out_the_same(two_halls):
    python, server = two_halls
    q = python.queues
    for hall in two_halls:  # a busy morning: the counter is at 999 already
        with hall.db.write() as s:
            s.execute(text("INSERT INTO ticket_counters (hall_id, queue_id, day, last_seq) "
                           "VALUES (:h, :q, :d, 999)"), {"h": hall.kiosk.hall_id, "q": q["A"], "d": local_day(utcnow())})
    _play_both(python, server, [("issue", _ticket(queue_id=q["A"]), "k1"), ("call", 1)])
    for hall in two_halls:
        hall.held_since_yesterday(1)
    by_function = _play_both(python, server, [
        ("finish", 1, None, SimpleNamespace(outcome="done", log="跨夜办结")),  # yesterday's figures change
        ("rate", _press(1, 2)),  # a rating of a service called yesterday
    ])
    assert by_function == [False, False]
    records = python.records()
    assert records == server.records()
    assert [row[9] for row in records["tickets"]] == ["A1000"]
    assert records["figure_days"] and records["follow_ups"]


def test_a_held_booked_ticket_is_called_by_the_function_as_by_the_python_path(two_halls):
    """A booked citizen who checked in early waits for their slot's lead on both paths: walk-ins
    are called meanwhile, the line runs dry around it, and from the lead it is called first."""
    python, server = two_halls
    q = python.queues
    by_function = _play_both(python, server, [
        ("issue_held", _ticket(queue_id=q["A"], phone="13912345678"), "b1"),
        ("call", 1),  # held: nobody to call
        ("issue", _ticket(queue_id=q["A"]), "k1"),
        ("call", 1),  # the walk-in who came after
        ("finish", 1, None, SimpleNamespace(outcome="done", log="")),
        ("call", 1),  # held still
    ])
    assert by_function == [False, True, True, True, True, True]
    for hall in two_halls:  # the clock reaches the slot's lead
        with hall.db.write() as s:
            s.execute(update(Ticket).where(Ticket.idempotency_key == "b1")
                      .values(rank_at=utcnow() - timedelta(minutes=1)))
    assert _play_both(python, server, [
        ("issue", _ticket(queue_id=q["A"]), "k2"),
        ("call", 1),  # the booked ticket, ahead of the walk-in who came after its lead
    ]) == [True, True]
    records = python.records()
    assert records == server.records()
    called = [row for row in records["tickets"] if row[10] == "called"]
    assert [row[5] for row in called] == ["b1"]


def _proxy_allowed(hall: Hall, name: str) -> bool:
    with hall.db.read() as s:
        return s.scalar(select(Matter.proxy_allowed).where(Matter.name == name))


def _play_both(python: Hall, server: Hall, steps) -> list:
    """Each step on both halls; the answers must agree. Returns, for each step the server
    answered, whether a function answered it."""
    by_function = []

    def served(step, args):
        answer, flag = _server_path(server, step, *_resolved(server, step, args))
        by_function.append(flag)
        return answer

    for step, *args in steps:
        expected = _comparable(lambda: _python_path(python, step, *_resolved(python, step, args)))
        got = _comparable(lambda: served(step, args))
        assert got == expected, (step, args)
    return by_function


def _resolved(hall: Hall, step: str, args: list) -> list:
    """Arguments as each hall names them: a finish of "the ticket window N holds"."""
    if step == "finish" and args[1] is None:
        with hall.db.read() as s:
            held = s.scalar(select(Ticket.id).where(Ticket.status.in_(("called", "serving")),
                                                    Ticket.window_id == hall.helpers[args[0]].window.id))
        return [args[0], held or 999999, args[2]]
    return list(args)


def test_a_stale_waiting_time_basis_is_read_again_beside_the_request(postgres_db, monkeypatch):
    """The estimate a kiosk shows comes from the queue's recent services as last read; once that
    reading is older than its time to live, a ticket gets the old estimate at once and the
    reading is renewed beside it, for the tickets after."""
    hall = Hall(postgres_db.url)
    queue = hall.queues["C"]  # no helper signed in for it: one window assumed open

    async def day():
        monkeypatch.setattr(ops, "WAIT_BASIS_TTL_S", 0.0)  # every reading is old at once
        issued = [await fast.issue(hall.db, hall.kiosk, _ticket(queue_id=queue), f"k{n}", Policy())
                  for n in range(2)]
        ticket_id = issued[0][0].id
        # the renewal the second ticket started reads the basis before the service below exists
        await asyncio.gather(*list(fast._refreshing.values()))
        finished = utcnow()
        with hall.db.write() as s:  # the first one is served for 20 minutes and finished
            s.execute(update(Ticket).where(Ticket.id == ticket_id).values(status="finished"))
            s.add(Service(hall_id=hall.kiosk.hall_id, ticket_id=ticket_id, queue_id=queue,
                          window_id=hall.helpers[1].window.id, helper_id=hall.helpers[1].helper.id,
                          called_at=finished - timedelta(minutes=20), finished_at=finished, ended_at=finished,
                          log=""))
        stale = await fast.issue(hall.db, hall.kiosk, _ticket(queue_id=queue), "k2", Policy())
        await asyncio.sleep(0.5)  # renewed meanwhile
        fresh = await fast.issue(hall.db, hall.kiosk, _ticket(queue_id=queue), "k3", Policy())
        await hall.db.close()
        return [out.estimated_wait_s for out, _ in (*issued, stale, fresh)], [
            out.waiting_ahead for out, _ in (*issued, stale, fresh)]

    try:
        estimates, ahead = asyncio.run(day())
    finally:
        hall.db.dispose()
    default = Policy().default_service_s
    assert ahead == [0, 1, 1, 2]
    assert estimates == [0, default, default, 2 * 20 * 60]
