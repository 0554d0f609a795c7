"""The journal: captured changes in commit order, read in batches for the other side, pruned
once it has them.

Triggers write to ``sync_outbox`` in their own transactions; on PostgreSQL two of those may
commit out of the order they wrote in, so the outbox is not read directly. ``move`` takes what
has committed into ``sync_journal``, whose sequence numbers then follow commit order (one mover
at a time, as the event sequencer does). Two changes of one row are ordered by the row's lock,
so a row's last change is always its last entry.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, or_, select, text

from kiosk.server.models import SyncJournal, SyncOutbox
from kiosk.server.sync import tables

_MOVER_LOCK = 0x62627379  # "bbsy"
_MOVE_POSTGRES = text(
    "WITH moved AS (DELETE FROM sync_outbox RETURNING id, tbl, op, row, for_hall, at) "
    "INSERT INTO sync_journal (tbl, op, row, for_hall, at) "
    "SELECT tbl, op, row, for_hall, at FROM moved ORDER BY id")
_MOVE_SQLITE = text("INSERT INTO sync_journal (tbl, op, row, for_hall, at) "
                    "SELECT tbl, op, row, for_hall, at FROM sync_outbox WHERE id <= :top ORDER BY id")


def move(database) -> int:
    """The outbox's committed changes into the journal; how many. Asked every second by each
    link, mostly with nothing waiting: that is found out without taking the writers' turn."""
    with database.read() as db:
        if db.scalar(select(SyncOutbox.id).limit(1)) is None:
            return 0
    with database.write() as db:
        if database.is_postgres:
            db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MOVER_LOCK})
            return db.execute(_MOVE_POSTGRES).rowcount
        top = db.scalar(select(func.max(SyncOutbox.id)))
        if top is None:
            return 0
        moved = db.execute(_MOVE_SQLITE, {"top": top}).rowcount
        db.execute(delete(SyncOutbox).where(SyncOutbox.id <= top))
        return moved


@dataclass(frozen=True)
class Backlog:
    records: int
    since: datetime | None  # when the oldest of them was made


def backlog(db, after: int) -> Backlog:
    """What the other side has not confirmed: the journal past ``after``, and the outbox."""
    j_count, j_since = db.execute(select(func.count(), func.min(SyncJournal.at)).where(SyncJournal.seq > after)).one()
    o_count, o_since = db.execute(select(func.count(), func.min(SyncOutbox.at))).one()
    since = min((t for t in (j_since, o_since) if t is not None), default=None)
    return Backlog(records=j_count + o_count, since=since)


def read(db, after: int, *, limit: int, max_bytes: int, files: Path, for_hall: int | None = None) -> list[dict]:
    """Entries past ``after``, in order, as sent on the wire; a captured page's bytes go with its
    row. ``for_hall``: the centre's entries meant for that hall server (the catalogue, and the
    referrals at its ends), other halls' device tokens left out."""
    query = select(SyncJournal).where(SyncJournal.seq > after).order_by(SyncJournal.seq).limit(limit)
    if for_hall is not None:
        query = query.where(or_(SyncJournal.for_hall.is_(None), SyncJournal.for_hall == for_hall))
    found, size = [], 0
    for entry in db.scalars(query):
        row = dict(entry.row)
        if entry.tbl == "devices" and for_hall is not None and row.get("hall_id") != for_hall:
            row["token_hash"] = f"elsewhere-{row['id']}"  # never a sha256: no token of it works there
        sent = {"seq": entry.seq, "tbl": entry.tbl, "op": entry.op, "row": row, "at": entry.at.isoformat()}
        if entry.tbl in tables.FILES and entry.op == "u":
            stored = files / row["path"]
            if stored.is_file():
                sent["file"] = base64.b64encode(stored.read_bytes()).decode()
        size += len(str(row)) + len(sent.get("file", ""))
        if found and size > max_bytes:
            break
        found.append(sent)
    return found


def prune(database, through: int) -> None:
    """Entries the other side has confirmed are not sent again."""
    with database.write() as db:
        db.execute(delete(SyncJournal).where(SyncJournal.seq <= through))


def last_seq(db) -> int:
    return db.scalar(select(func.max(SyncJournal.seq))) or 0
