"""The event log: written in the same transaction as the change it reports, streamed as SSE.

Ids must reach readers in order with no gaps that later fill in, or a client
resuming from ``Last-Event-ID`` would skip an event for ever. SQLite writes
one transaction at a time, so this holds by itself. On PostgreSQL a
transaction writes its events to ``event_outbox``; the hub's sequencer moves
them into ``events`` in transactions of its own, one at a time across every
server process (an advisory lock), so ids commit in the order they are given
out. The lock is held for a sequencer round, not for the rest of a request's
work: holding it from each request's event insert to its commit made every
request on PostgreSQL wait for the one before.

Each process keeps a buffer of recent events and fans them out to its SSE
clients. A commit in this process hands its events to the buffer straight away
(``Database`` calls ``EventHub.published`` after each commit, in commit order;
on PostgreSQL, the sequencer's rounds); events of other processes (PostgreSQL's
other workers, heard of through LISTEN/NOTIFY, or a command-line tool on
SQLite) are read from the log, as is anything after a gap in the ids the
buffer has.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections import deque
from dataclasses import dataclass
from typing import AsyncIterator

from sqlalchemy import bindparam, event as sa_event, insert, select
from sqlalchemy.orm import Session

from kiosk.server.models import Event, EventOutbox
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire.events import Payload

log = logging.getLogger("bangban.events")
CHANNEL = "bangban_events"
_EVENT_LOCK = 0x62616E67  # "bang": the advisory lock that orders event ids


@dataclass(frozen=True)
class StoredEvent:
    id: int
    hall_id: int
    type: str
    sse: bytes  # the wire form, made once however many clients receive it


def _stored(id_: int, hall_id: int, type_: str, at, data: dict) -> StoredEvent:
    payload = json.dumps({"id": id_, "type": type_, "at": iso(at, "milliseconds"), **data}, ensure_ascii=False)
    return StoredEvent(id_, hall_id, type_, f"id: {id_}\nevent: {type_}\ndata: {payload}\n\n".encode())


def record(db: Session, hall_id: int, payload: Payload) -> None:
    """Add an event (its type is its payload's, ``kiosk.wire.events``) to the caller's
    transaction (a Session or a ``db.Transaction``); it is written just before the commit.
    A field with a default that the caller did not give is left out, not sent as null."""
    db.info.setdefault("pending_events", []).append(
        {"hall_id": hall_id, "type": payload.type, "at": utcnow(),
         "data": payload.model_dump(mode="json", exclude_unset=True)})


@sa_event.listens_for(Session, "before_commit")
def _write_pending(db: Session) -> None:
    write_pending(db)


_INSERT_EVENTS = insert(Event.__table__).returning(Event.__table__.c.id, sort_by_parameter_order=True)
_INSERT_OUTBOX = insert(EventOutbox.__table__)
_MOVE_OUTBOX = "SELECT * FROM bangban_move_outbox(%s, %s, %s)"  # pg_functions.sql
_EVENTS_AFTER = (select(Event.__table__).where(Event.__table__.c.id > bindparam("after"))
                 .order_by(Event.__table__.c.id).limit(bindparam("limit")))


def write_pending(db) -> None:
    """The transaction's recorded events, written last. What was written is left in
    ``db.info["written_events"]`` for the hub, once committed: the events, or on PostgreSQL
    an empty list (they wait in the outbox for the sequencer)."""
    pending = db.info.pop("pending_events", None)
    if not pending:
        return
    if db.get_bind().dialect.name == "postgresql":
        db.execute(_INSERT_OUTBOX, pending)
        db.info["written_events"] = []
        return
    ids = db.execute(_INSERT_EVENTS, pending).scalars().all()
    db.info["written_events"] = [_stored(i, e["hall_id"], e["type"], e["at"], e["data"])
                                 for i, e in zip(ids, pending)]


async def move_outbox(database) -> list[StoredEvent]:
    """One sequencer round on PostgreSQL: every committed outbox event into the log, in the
    order written, after the rounds of other processes; the note to the other processes
    names this one, which has the events already."""
    rows = await database.call(_MOVE_OUTBOX, (_EVENT_LOCK, CHANNEL, str(os.getpid())), writes_events=False)
    return [_stored(r.id, r.hall_id, r.type, r.at, r.data) for r in sorted(rows, key=lambda r: r.id)]


class EventHub:
    BUFFER = 5000
    FETCH_LIMIT = 1000
    GATHER_S = 0.02  # clients are told of new events at most this often: a display redraws at 50 fps at best
    POLL_S = 1.0  # how soon another process's events on SQLite are seen
    SWEEP_S = 5.0  # how soon PostgreSQL's outbox events of a process that died are moved
    SEQUENCE_GATHER_S = 0.01  # PostgreSQL: commits a sequencer round waits for, so that one round carries several
    KEEP_ALIVE_S = 15.0

    def __init__(self, database):
        self.database, self.engine = database, database.engine
        self.buffer: deque[StoredEvent] = deque(maxlen=self.BUFFER)
        self.last_id = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._outboxed: asyncio.Event | None = None  # PostgreSQL: the outbox has events to move
        # one per waiting stream: an Event, not a shared future or a Condition, so that a client
        # who leaves cancels only its own wait
        self._listeners: set[asyncio.Event] = set()
        self._beats = 0  # keep-alive rounds so far
        self._telling = False
        self._stop = threading.Event()
        database.on_commit = self.published

    # --- lifecycle -------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake, self._outboxed = asyncio.Event(), asyncio.Event()
        postgres = self.engine.dialect.name == "postgresql"
        if postgres:
            await self._sequence_once()  # what a process that stopped left in the outbox
        self.last_id = await asyncio.to_thread(self._max_id)
        self._tasks = [asyncio.create_task(self._pump()), asyncio.create_task(self._keep_alive())]
        if postgres:
            self._tasks.append(asyncio.create_task(self._sequencer()))
            threading.Thread(target=self._listen, daemon=True, name="pg-listen").start()

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()

    def wake(self) -> None:
        """Thread-safe: events may be in the log that this process did not write."""
        if self._loop and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    def published(self, events: list[StoredEvent]) -> None:
        """Thread-safe: ``events`` were just committed, by this process (none: into PostgreSQL's
        outbox). Called in commit order, and the loop runs what it is handed in the order
        handed, so they reach the buffer in order."""
        if self._loop and not self._loop.is_closed():
            if events:
                self._loop.call_soon_threadsafe(self._take, events)
            else:
                self._loop.call_soon_threadsafe(self._outboxed.set)

    # --- filling the buffer ----------------------------------------------
    def _take(self, events: list[StoredEvent]) -> None:
        if events[0].id <= self.last_id:  # already read from the log
            events = [e for e in events if e.id > self.last_id]
            if not events:
                return
        if events[0].id != self.last_id + 1:  # others' events come between: read them from the log
            self._wake.set()
            return
        self._extend(events)

    def _extend(self, events: list[StoredEvent]) -> None:
        self.buffer.extend(events)
        self.last_id = events[-1].id
        if not self._telling:
            self._telling = True
            self._loop.call_later(self.GATHER_S, self._tell)

    def _tell(self) -> None:
        self._telling = False
        for listener in self._listeners:
            listener.set()

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.KEEP_ALIVE_S)
            self._beats += 1
            self._tell()

    def _max_id(self) -> int:
        with self.database.read() as db:
            return db.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0

    def _fetch(self, after: int, hall_ids: set[int] | None = None, limit: int = FETCH_LIMIT) -> list[StoredEvent]:
        with self.database.read() as db:
            query = _EVENTS_AFTER
            if hall_ids is not None:
                query = query.where(Event.__table__.c.hall_id.in_(hall_ids))
            rows = db.execute(query, {"after": after, "limit": limit})
            return [_stored(r.id, r.hall_id, r.type, r.at, r.data) for r in rows]

    async def _sequencer(self) -> None:
        """PostgreSQL: a round after commits that wrote to the outbox (those arriving meanwhile
        share the next round), and every SWEEP_S in any case."""
        while True:
            try:
                await asyncio.wait_for(self._outboxed.wait(), timeout=self.SWEEP_S)
                await asyncio.sleep(self.SEQUENCE_GATHER_S)
            except asyncio.TimeoutError:
                pass
            self._outboxed.clear()
            if not await self._sequence_once():
                await asyncio.sleep(1)
                self._outboxed.set()

    async def _sequence_once(self) -> bool:
        try:
            moved = await move_outbox(self.database)
        except Exception:  # database away: the events wait in the outbox, committed
            log.warning("event sequencer: database unreachable", exc_info=True)
            return False
        if moved:
            self._take(moved)
        return True

    async def _pump(self) -> None:
        """Reads the log when told that others wrote to it, and every POLL_S in any case."""
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.POLL_S)
                await asyncio.sleep(self.GATHER_S)  # a busy hall commits hundreds of times a second
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            try:
                fresh = await asyncio.to_thread(self._fetch, self.last_id)
            except Exception:  # database away: keep the stream open, try again
                log.warning("event pump: database unreachable", exc_info=True)
                await asyncio.sleep(1)
                continue
            fresh = [e for e in fresh if e.id > self.last_id]  # this process may have published some meanwhile
            if fresh:
                self._extend(fresh)
                if len(fresh) == self.FETCH_LIMIT:
                    self._wake.set()

    def _listen(self) -> None:
        import psycopg

        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    mine = str(os.getpid())
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0, stop_after=1):
                            if note.payload != mine:
                                self.wake()
            except Exception:
                log.warning("LISTEN connection lost; retrying", exc_info=True)
                self._stop.wait(1.0)

    # --- streaming -------------------------------------------------------
    def _after(self, cursor: int) -> list[StoredEvent]:
        """Buffered events after ``cursor``, reading only the new end of the buffer."""
        fresh = []
        for event in reversed(self.buffer):
            if event.id <= cursor:
                break
            fresh.append(event)
        fresh.reverse()
        return fresh

    def position(self, after: int | None) -> int:
        """Where a stream starts: after ``after``, or now; ids past ours mean a reset log: now."""
        return self.last_id if after is None else min(after, self.last_id)

    async def stream(self, hall_ids: set[int], after: int,
                     types: frozenset[str] | None = None) -> AsyncIterator[bytes | None]:
        """SSE bytes of the events for these halls (of these types; None: all) after event
        ``after``, in batches; None now and then means "still here"."""
        cursor, news = after, asyncio.Event()
        self._listeners.add(news)
        try:
            while True:
                oldest = self.buffer[0].id if self.buffer else self.last_id + 1
                if cursor < oldest - 1:  # older than the buffer holds: read the log itself
                    backlog = await asyncio.to_thread(self._fetch, cursor, hall_ids)
                    if backlog:
                        cursor = backlog[-1].id
                        mine = b"".join(e.sse for e in backlog if types is None or e.type in types)
                        if mine:
                            yield mine
                    if len(backlog) == self.FETCH_LIMIT:
                        continue
                    cursor = max(cursor, min(oldest - 1, self.last_id))
                fresh = self._after(cursor)
                if fresh:
                    cursor = fresh[-1].id
                    mine = b"".join(e.sse for e in fresh
                                    if e.hall_id in hall_ids and (types is None or e.type in types))
                    if mine:
                        yield mine
                    continue
                beats = self._beats
                news.clear()
                await news.wait()
                if self._beats != beats and not self._after(cursor):
                    yield None
        finally:
            self._listeners.discard(news)
