"""Every change of a table that crosses the link, written to ``sync_outbox`` by a trigger in the
transaction that made it: the ORM, Core statements and the PostgreSQL fast paths alike.

Which triggers a server has depends on its role. A hall server captures the tables it is the
authority for (``tables.UP``). The centre captures the catalogue (``tables.DOWN``) for every
hall server, and referrals for the two halls at their ends, each with the ticket it refers to
for the hall that takes it up. A batch being applied from the other side is not captured
again (``sync_applying`` on SQLite, ``bangban.applying`` on PostgreSQL), so nothing echoes.
"""
from __future__ import annotations

from sqlalchemy import JSON, text
from sqlalchemy.engine import Connection

from kiosk.server.sync import tables

_PREFIX = "bangban_sync_"

_PG_CAPTURE = """
CREATE OR REPLACE FUNCTION bangban_sync_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
    column_name text;
BEGIN
    IF current_setting('bangban.applying', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_NARGS = 0 THEN
        INSERT INTO sync_outbox (tbl, op, row, for_hall, at)
        VALUES (TG_TABLE_NAME, CASE TG_OP WHEN 'DELETE' THEN 'd' ELSE 'u' END, to_json(r), NULL,
                clock_timestamp() AT TIME ZONE 'UTC');
        RETURN NULL;
    END IF;
    -- a referral: its ticket first, for the hall that takes it up, then the row for both ends
    IF TG_TABLE_NAME = 'referrals' AND TG_OP <> 'DELETE' THEN
        INSERT INTO sync_outbox (tbl, op, row, for_hall, at)
        SELECT 'tickets', 'u', to_json(t), NEW.to_hall_id, clock_timestamp() AT TIME ZONE 'UTC'
        FROM tickets t WHERE t.id = NEW.ticket_id;
    END IF;
    FOREACH column_name IN ARRAY TG_ARGV LOOP
        INSERT INTO sync_outbox (tbl, op, row, for_hall, at)
        VALUES (TG_TABLE_NAME, CASE TG_OP WHEN 'DELETE' THEN 'd' ELSE 'u' END, to_json(r),
                (to_jsonb(r) ->> column_name)::integer, clock_timestamp() AT TIME ZONE 'UTC');
    END LOOP;
    RETURN NULL;
END $$;
"""


def captured(role: str) -> dict[str, tuple[str, ...]]:
    """Table -> the columns naming the halls its changes are for (none: for everyone)."""
    if role == "hall":
        return {name: () for name in tables.UP}
    return {**{name: () for name in tables.DOWN}, **tables.FORWARDED}


def install(conn: Connection, role: str) -> None:
    """Replace the capture triggers by those of ``role`` ("hall" or "centre"), in one transaction."""
    if conn.dialect.name == "postgresql":
        _install_postgres(conn, role)
    else:
        _install_sqlite(conn, role)


def _install_postgres(conn: Connection, role: str) -> None:
    conn.exec_driver_sql(_PG_CAPTURE)
    for name, in conn.execute(text("SELECT event_object_table FROM information_schema.triggers "
                                   "WHERE trigger_name = :t GROUP BY event_object_table"),
                              {"t": _PREFIX + "capture"}):
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS {_PREFIX}capture ON "{name}"')
    for name, halls in captured(role).items():
        arguments = ", ".join(f"'{column}'" for column in halls)
        conn.exec_driver_sql(f'CREATE TRIGGER {_PREFIX}capture AFTER INSERT OR UPDATE OR DELETE ON "{name}" '
                             f"FOR EACH ROW EXECUTE FUNCTION bangban_sync_capture({arguments})")


def _json_object(name: str, alias: str) -> str:
    parts = []
    for column in tables.table(name).columns:
        value = f"{alias}.{column.name}"
        parts.append(f"'{column.name}', " + (f"json({value})" if isinstance(column.type, JSON) else value))
    return "json_object(" + ", ".join(parts) + ")"


_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_body(name: str, op: str, halls: tuple[str, ...]) -> str:
    row = "OLD" if op == "DELETE" else "NEW"
    kind = "d" if op == "DELETE" else "u"
    statements = []
    if name == "referrals" and halls and op != "DELETE":
        statements.append(f"INSERT INTO sync_outbox (tbl, op, row, for_hall, at) SELECT 'tickets', 'u', "
                          f"{_json_object('tickets', 't')}, NEW.to_hall_id, {_NOW} FROM tickets t "
                          f"WHERE t.id = NEW.ticket_id;")
    for target in halls or (None,):
        for_hall = f"{row}.{target}" if target else "NULL"
        statements.append(f"INSERT INTO sync_outbox (tbl, op, row, for_hall, at) VALUES "
                          f"('{name}', '{kind}', {_json_object(name, row)}, {for_hall}, {_NOW});")
    return " ".join(statements)


def _install_sqlite(conn: Connection, role: str) -> None:
    for (trigger,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :p"),
                                   {"p": _PREFIX + "%"}).all():
        conn.exec_driver_sql(f'DROP TRIGGER "{trigger}"')
    for name, halls in captured(role).items():
        for op in ("INSERT", "UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f'CREATE TRIGGER "{_PREFIX}{name}_{op.lower()}" AFTER {op} ON "{name}" '
                f"WHEN NOT EXISTS (SELECT 1 FROM sync_applying) BEGIN {_sqlite_body(name, op, halls)} END")
