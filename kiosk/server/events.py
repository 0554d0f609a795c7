"""The event log: written in the same transaction as the change it reports, streamed as SSE.

Ids must reach readers in order with no gaps that later fill in, or a client
resuming from ``Last-Event-ID`` would skip an event for ever. SQLite writes
one transaction at a time, so this holds by itself; on PostgreSQL a
transaction takes an advisory lock before it inserts its first event, so event
ids commit in the order they were handed out. Every server process on the same
PostgreSQL hears of new events through LISTEN/NOTIFY; each process keeps a
small buffer of recent events and fans them out to its SSE clients.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import deque
from dataclasses import dataclass
from typing import AsyncIterator

from sqlalchemy import event as sa_event, insert, select, text
from sqlalchemy.orm import Session

from kiosk.server.models import Event
from kiosk.server.timeutil import iso, utcnow

log = logging.getLogger("bangban.events")
CHANNEL = "bangban_events"
_EVENT_LOCK = 0x62616E67  # "bang": the advisory lock that orders event ids


@dataclass(frozen=True)
class StoredEvent:
    id: int
    hall_id: int
    sse: str  # the wire form, made once however many clients receive it


def _stored(row: Event) -> StoredEvent:
    payload = json.dumps({"id": row.id, "type": row.type, "at": iso(row.at, "milliseconds"), **row.data},
                         ensure_ascii=False)
    return StoredEvent(row.id, row.hall_id, f"id: {row.id}\nevent: {row.type}\ndata: {payload}\n\n")


def record(db: Session, hall_id: int, type_: str, data: dict) -> None:
    """Add an event to the caller's transaction; it is written just before the commit."""
    db.info.setdefault("pending_events", []).append(
        {"hall_id": hall_id, "type": type_, "at": utcnow(), "data": data})


@sa_event.listens_for(Session, "before_commit")
def _write_pending(db: Session) -> None:
    """Events go in last, so on PostgreSQL the lock that orders their ids is held only
    from here to the commit, not through the rest of the transaction's work."""
    pending = db.info.pop("pending_events", None)
    if not pending:
        return
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _EVENT_LOCK})
        db.execute(text("SELECT pg_notify(:c, '')"), {"c": CHANNEL})
    db.execute(insert(Event), pending)


class EventHub:
    BUFFER = 5000
    GATHER_S = 0.01

    def __init__(self, database):
        self.database, self.engine = database, database.engine
        self.buffer: deque[StoredEvent] = deque(maxlen=self.BUFFER)
        self.last_id = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._cond: asyncio.Condition | None = None
        self._stop = threading.Event()

    # --- lifecycle -------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake, self._cond = asyncio.Event(), asyncio.Condition()
        self.last_id = await asyncio.to_thread(self._max_id)
        self._task = asyncio.create_task(self._pump())
        if self.engine.dialect.name == "postgresql":
            threading.Thread(target=self._listen, daemon=True, name="pg-listen").start()

    async def stop(self) -> None:
        self._stop.set()
        self._task.cancel()

    def wake(self) -> None:
        """Thread-safe: new events may be in the database."""
        if self._loop and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    # --- reading the log -------------------------------------------------
    def _max_id(self) -> int:
        with self.database.read() as db:
            return db.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0

    def _fetch(self, after: int, hall_ids: set[int] | None = None, limit: int = 1000) -> list[StoredEvent]:
        with self.database.read() as db:
            query = select(Event).where(Event.id > after)
            if hall_ids is not None:
                query = query.where(Event.hall_id.in_(hall_ids))
            return [_stored(r) for r in db.scalars(query.order_by(Event.id).limit(limit))]

    async def _pump(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
                # a busy hall commits hundreds of times a second: read them in one go
                await asyncio.sleep(self.GATHER_S)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            try:
                fresh = await asyncio.to_thread(self._fetch, self.last_id)
            except Exception:  # database away: keep the stream open, try again
                log.warning("event pump: database unreachable", exc_info=True)
                await asyncio.sleep(1)
                continue
            if fresh:
                self.buffer.extend(fresh)
                self.last_id = fresh[-1].id
                if len(fresh) == 1000:
                    self._wake.set()
                async with self._cond:
                    self._cond.notify_all()

    def _listen(self) -> None:
        import psycopg

        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
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

    async def stream(self, hall_ids: set[int], after: int) -> AsyncIterator[str | None]:
        """SSE text of the events for these halls after event ``after``, in batches;
        None now and then means "still here"."""
        cursor = after
        while True:
            oldest = self.buffer[0].id if self.buffer else self.last_id + 1
            if cursor < oldest - 1:  # older than the buffer holds: read the log itself
                backlog = await asyncio.to_thread(self._fetch, cursor, hall_ids)
                if backlog:
                    cursor = backlog[-1].id
                    yield "".join(e.sse for e in backlog)
                if len(backlog) == 1000:
                    continue
                cursor = max(cursor, min(oldest - 1, self.last_id))
            fresh = self._after(cursor)
            if fresh:
                cursor = fresh[-1].id
                mine = "".join(e.sse for e in fresh if e.hall_id in hall_ids)
                if mine:
                    yield mine
                continue
            async with self._cond:
                try:
                    await asyncio.wait_for(self._cond.wait(), timeout=15)
                except asyncio.TimeoutError:
                    yield None
