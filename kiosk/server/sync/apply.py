"""A batch from the other side of a link, written once.

The link's peer row remembers the last sequence number applied, updated in the same
transaction as the rows: a batch sent again (the sender never heard the answer, or restarted
in the middle) skips what was written, and a batch cut short writes nothing. A row is written
as it was at its origin (an upsert by key), so its times are the origin's: a rating given at
10:02 during an outage is a 10:02 rating at the centre.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import JSON, Boolean, Date, DateTime, bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.server import events, rollups
from kiosk.server.errors import ApiError
from kiosk.server.models import Hall, HelperSession, Service, SyncApplying, SyncPeer, Ticket, Window
from kiosk.server.sync import tables
from kiosk.server.timeutil import utcnow
from kiosk.wire.events import CatalogueChanged, ReferralCreated, StaffChanged, WindowStaffed

_CATALOGUE_PARTS = {"areas": "areas", "queues": "queues", "windows": "windows", "window_queues": "windows",
                    "matters": "matters", "halls": "hours", "hall_closures": "hours"}


@dataclass
class Applied:
    """What a batch changed that the servers' caches and screens must hear of."""
    last_seq: int = 0
    rows: int = 0
    catalogue: set[str] = field(default_factory=set)
    staff: bool = False


def _value(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(str(value).replace(" ", "T"))
    if isinstance(column.type, Date):
        return date.fromisoformat(str(value)[:10])
    if isinstance(column.type, Boolean):
        return bool(value)
    if isinstance(column.type, JSON) and isinstance(value, str):
        return json.loads(value)
    return value


def _row(name: str, raw: dict) -> dict:
    table = tables.table(name)
    return {c.name: _value(c, raw.get(c.name)) for c in table.columns if c.name in raw}


@lru_cache(maxsize=512)
def _statement(dialect_name: str, name: str, op: str, columns: tuple[str, ...]):
    """One prepared upsert (or delete) per table and set of columns, for runs of rows at a time:
    building a statement per row cost more than writing it."""
    table = tables.table(name)
    keys = tables.key_columns(name)
    if op == "d":
        return delete(table).where(*(table.c[k] == bindparam(k) for k in keys))
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table)
    others = {c: statement.excluded[c] for c in columns if c not in keys}
    return (statement.on_conflict_do_update(index_elements=keys, set_=others) if others
            else statement.on_conflict_do_nothing(index_elements=keys))


def _store_file(files: Path, row: dict, encoded: str) -> None:
    """The page's bytes where the row says, checked against its digest; written whole."""
    content = base64.b64decode(encoded)
    if hashlib.sha256(content).hexdigest() != row["sha256"]:
        raise ApiError(422, "file_corrupt", "材料文件在传送中损坏，将重新传送")
    target = (files / row["path"]).resolve()
    if files.resolve() not in target.parents:
        raise ApiError(422, "file_path", "材料文件的存放位置不在数据目录内")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(content)
    os.replace(partial, target)


def _figures_stale(db: Session, name: str, row: dict) -> None:
    """The centre's rollup of a closed day is built again once a late record of it arrives."""
    if name == "tickets":
        rollups.changed(db, row["hall_id"], row["issued_at"])
    elif name == "services":
        rollups.changed(db, row["hall_id"], row["called_at"])
    elif name == "ratings":
        called = db.scalar(select(Service.called_at).where(Service.id == row["service_id"]))
        rollups.changed(db, row["hall_id"], called or row["rated_at"])


def _helper_stopped(db: Session, row: dict) -> None:
    """A helper disabled at the centre: their sessions here end as the change arrives."""
    now = utcnow()
    for session in db.scalars(select(HelperSession).where(HelperSession.helper_id == row["id"],
                                                          HelperSession.ended_at.is_(None))):
        session.ended_at = now
        window = db.get(Window, session.window_id)
        events.record(db, window.hall_id, WindowStaffed(window=window.number, helper=None))


def _referral_arrived(db: Session, row: dict, hall_id: int) -> None:
    if row["to_hall_id"] == hall_id and row["status"] == "open":
        number = db.scalar(select(Ticket.number).where(Ticket.id == row["ticket_id"])) or ""
        to_hall = db.scalar(select(Hall.code).where(Hall.id == hall_id))
        events.record(db, hall_id, ReferralCreated(referral_id=row["id"], number=number, to_hall=to_hall))


def _after(db: Session, done: Applied, name: str, op: str, row: dict, at_hall: int | None) -> None:
    """What a written row means beyond itself: stale figures at the centre; at a hall server, a
    helper stopped, a referral arrived, the screens to tell."""
    if at_hall is None:
        _figures_stale(db, name, row)
    elif name == "helpers" and op == "u" and not row.get("active", True):
        _helper_stopped(db, row)
    elif name == "referrals" and op == "u":
        _referral_arrived(db, row, at_hall)
    done.catalogue.update({_CATALOGUE_PARTS[name]} if name in _CATALOGUE_PARTS else set())
    done.staff = done.staff or name == "helpers"


def _quiet(db: Session) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL bangban.applying = 'on'"))
    else:
        db.add(SyncApplying(flag=1))
        db.flush()


def apply(database, peer: int, entries: list[dict], *, files: Path, at_hall: int | None = None,
          peer_hall: int | None = None) -> Applied:
    """Write ``entries`` (in order) from ``peer``. ``at_hall``: this is that hall's server,
    applying the centre's entries: they are not captured again, and its screens hear of what
    changed. Else this is the centre, applying hall server ``peer``'s records of ``peer_hall``."""
    done = Applied()
    with database.write() as db:
        link = db.get(SyncPeer, peer, with_for_update=True)
        if link is None:
            link = SyncPeer(peer=peer, hall_id=peer_hall, applied_seq=0, acked_seq=0, backlog_records=0, error="")
            db.add(link)
            db.flush()
        if at_hall is not None:
            _quiet(db)
        done.last_seq = link.applied_seq
        conn = db.connection()
        dialect = conn.dialect.name
        run: list[tuple[str, str, dict]] = []  # consecutive rows written by one statement

        def write_run() -> None:
            if not run:
                return
            name, op, first = run[0]
            conn.execute(_statement(dialect, name, op, tuple(first)), [row for _n, _o, row in run])
            for name, op, row in run:
                _after(db, done, name, op, row, at_hall)
            run.clear()

        for entry in entries:
            if entry["seq"] <= done.last_seq:
                continue
            name, op = entry["tbl"], entry["op"]
            if name not in tables.UP + tables.DOWN:
                raise ApiError(422, "unknown_table", f"无法同步未知的记录类型：{name[:40]}")
            row = _row(name, entry["row"])
            if "file" in entry:
                _store_file(files, row, entry["file"])
            if run and (run[0][0], run[0][1], tuple(run[0][2])) != (name, op, tuple(row)):
                write_run()
            run.append((name, op, row))
            done.last_seq, done.rows, made_at = entry["seq"], done.rows + 1, entry["at"]
        write_run()
        if done.rows:  # the ORM row changed once, at the end: a change per entry is a flush per statement
            link.record_at = datetime.fromisoformat(made_at)
        if at_hall is not None:
            if done.catalogue:
                events.record(db, at_hall, CatalogueChanged(parts=sorted(done.catalogue), summary="中心服务器更新了设置"))
            if done.staff:
                events.record(db, at_hall, StaffChanged(summary="中心服务器更新了人员"))
            db.execute(delete(SyncApplying))
        link.applied_seq = done.last_seq
        link.contact_at = utcnow()
    return done
