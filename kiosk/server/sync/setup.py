"""Making a server ready for its links at start: its triggers, its identifier block, and at the
centre a first journal of the catalogue for hall servers that have never had it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select, text

from kiosk.server.models import SyncJournal
from kiosk.server.sync import capture, ids, tables
from kiosk.server.timeutil import utcnow

_INSTALL_LOCK = 0x62627369  # "bbsi"


def _json(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _journal_catalogue(conn) -> None:
    """Every row of the catalogue, once, parents first, as the triggers would have written them."""
    now = utcnow()
    for name in tables.DOWN:
        table = tables.table(name)
        rows = [{"tbl": name, "op": "u", "row": {k: _json(v) for k, v in row._mapping.items()}, "for_hall": None,
                 "at": now} for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
        if rows:
            conn.execute(insert(SyncJournal.__table__), rows)


def prepare(database, settings) -> None:
    role, node = ("hall", settings.hall_node) if settings.is_hall_server else ("centre", tables.CENTRE_NODE)
    with database.engine.begin() as conn:
        if database.is_postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INSTALL_LOCK})
        capture.install(conn, role)
        ids.install(conn, node)
        if role == "centre" and conn.execute(select(SyncJournal.seq).limit(1)).first() is None:
            _journal_catalogue(conn)
