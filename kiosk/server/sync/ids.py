"""Each node gives new rows identifiers from its own block (``tables.id_range``), in every
process that writes to its database: the server and the command-line tools beside it.

PostgreSQL: each ranged table's sequence is bounded to the block at start, and a new row takes
the next value of it; rows written with other nodes' identifiers do not move it. SQLite gives
a new row one more than the largest identifier in the whole table, which after a batch from a
hall server is in that hall's block: here a new row takes one more than the largest in this
node's block instead (writers take turns on SQLite, so two never get the same).
"""
from __future__ import annotations

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.schema import ColumnDefault

from kiosk.server.models import SyncIdentity
from kiosk.server.sync import tables

_GIVEN = "bangban_ids_given"


def install(conn: Connection, node: int) -> None:
    """Make this database ``node``: record it, and on PostgreSQL bound each ranged table's
    sequence to its block, above every row already in it."""
    conn.execute(delete(SyncIdentity))
    conn.execute(insert(SyncIdentity).values(node=node))
    conn.info["bangban_node"] = node
    if conn.dialect.name != "postgresql":
        return
    for name in tables.ranged_tables():
        block = tables.id_range(name, node)
        column = tables.id_column(name)
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name}).scalar_one()
        position = conn.exec_driver_sql(f"SELECT last_value FROM {sequence}").scalar_one()
        if block.first <= position <= block.last:
            continue  # already in the block: moving it back could give a number in use
        highest = conn.execute(select(func.max(column)).where(column.between(block.first, block.last))).scalar()
        conn.exec_driver_sql(f"ALTER SEQUENCE {sequence} NO MINVALUE NO MAXVALUE")
        conn.execute(text("SELECT setval(:s, :v, false)"), {"s": sequence, "v": (highest or block.first - 1) + 1})
        conn.exec_driver_sql(f"ALTER SEQUENCE {sequence} MINVALUE {block.first} MAXVALUE {block.last} "
                             f"START {block.first}")


def give_ids_from_the_block() -> None:
    """From now on in this process, a new row of a ranged table takes its identifier from its
    database's block (ORM and Core statements alike). Called by every ``Database``."""
    for name in tables.ranged_tables():
        column = tables.id_column(name)
        if column.default is None:
            ColumnDefault(_allocator(name))._set_parent_with_dispatch(column)


def _node(conn: Connection) -> int:
    if "bangban_node" not in conn.info:
        try:
            conn.info["bangban_node"] = conn.execute(select(SyncIdentity.node)).scalar() or 0
        except (OperationalError, ProgrammingError):  # a schema older than hall servers
            return 0
    return conn.info["bangban_node"]


def _allocator(name: str):
    # straight to the driver: this runs for every new row, and SQLAlchemy's own execute costs
    # several times the query
    next_value = f"SELECT nextval(pg_get_serial_sequence('{name}', 'id'))"
    highest = f"SELECT max(id) FROM {name} WHERE id BETWEEN ? AND ?"

    def allocate(context) -> int:
        conn = context.connection
        driver = conn.connection.dbapi_connection
        if conn.dialect.name == "postgresql":
            return driver.execute(next_value).fetchone()[0]
        node = _node(conn)
        block = tables.id_range(name, node)
        found = driver.execute(highest, (block.first, block.last)).fetchone()[0]
        # the rows of one executemany are all given before any is written: each takes one more
        # than the last given on this connection, when that is higher than the table says
        given = conn.info.setdefault(_GIVEN, {})
        found = max((found or block.first - 1) + 1, given.get((name, node), 0) + 1)
        given[name, node] = found
        return found
    return allocate
