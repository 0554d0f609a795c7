"""Which tables cross the link, which way, and the identifiers each server gives new rows."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Table

from kiosk.server.models import Base

CENTRE_NODE = 0
MAX_NODE = 127  # a 32-bit identifier keeps 2**24 rows per node: 128 nodes fit below 2**31

# Made at the hall, its authority; they go up. Listed parents first.
UP = ("tickets", "ticket_counters", "services", "ratings", "follow_ups", "rating_exclusions", "documents",
      "cases", "case_steps", "case_items", "case_documents", "case_signatures", "case_problems",
      "case_problem_updates", "case_deliveries", "case_ratings", "case_referrals", "referrals", "audit_log")
# Made at the centre, its authority; they go down to every hall server.
DOWN = ("halls", "hall_closures", "areas", "queues", "matters", "windows", "window_queues", "helpers", "devices")
# A referral is made at one hall and answered at another: the centre passes it on to both ends,
# with the ticket it refers to for the hall that takes it up.
FORWARDED = {"referrals": ("from_hall_id", "to_hall_id")}
# Left where they are made: a terminal's sign-in, the event log that feeds the screens, rollups
# (the centre sums its own from the records), device health, and what supervision and
# appointments keep at the centre (see the README's "Hall servers").
FILES = ("documents", "case_documents")  # their bytes go with the row


@dataclass(frozen=True)
class Range:
    """The identifiers a node gives new rows of a table: ``first`` to ``last``, inclusive."""
    first: int
    last: int


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def id_column(name: str):
    """The single-column integer key of a table, or None (composite keys need no range)."""
    keys = list(table(name).primary_key.columns)
    return keys[0] if len(keys) == 1 and keys[0].name == "id" else None


def id_range(name: str, node: int) -> Range:
    """Node 0 (the centre, and every server that has no hall servers) keeps the identifiers it
    has always had; hall server N gives its rows the N-th block, so no two nodes ever give one
    identifier, before or after any outage."""
    if not CENTRE_NODE <= node <= MAX_NODE:
        raise ValueError(f"node {node} outside 0..{MAX_NODE}")
    span = 2 ** 40 if isinstance(id_column(name).type, BigInteger) else 2 ** 24  # BIGINT or INTEGER
    return Range(first=node * span + 1, last=(node + 1) * span - 1)


def ranged_tables() -> list[str]:
    """Tables a node writes new rows to that may also hold rows of other nodes."""
    return [name for name in UP if id_column(name) is not None]


def key_columns(name: str) -> list[str]:
    return [c.name for c in table(name).primary_key.columns]
