"""A tiny local journal of tickets this kiosk issued and whether their receipt printed.

Written before the request goes out (state "issuing", with the idempotency key) and after
each step, so a kiosk restarted mid-flow (systemd, power) can finish what it started: ask
the server again with the same key (which returns the same ticket) and print the receipt.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ISSUING, ISSUED, PRINTED, SHOWN = "issuing", "issued", "printed", "shown"  # SHOWN: printer failed, shown on screen


@dataclass
class JournalEntry:
    key: str
    state: str
    request: dict  # the ticket request body
    context: dict  # what the receipt needs beyond the ticket (matter name, materials, ...)
    ticket: dict | None
    updated: float


class TicketJournal:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a power cut must not lose an issued ticket
        self._db.execute("CREATE TABLE IF NOT EXISTS tickets (key TEXT PRIMARY KEY, state TEXT, request TEXT,"
                         " context TEXT, ticket TEXT, updated REAL)")
        self._lock = threading.Lock()

    def begin(self, key: str, request: dict, context: dict) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO tickets VALUES (?, ?, ?, ?, NULL, ?)",
                             (key, ISSUING, json.dumps(request, ensure_ascii=False),
                              json.dumps(context, ensure_ascii=False), time.time()))

    def issued(self, key: str, ticket: dict) -> None:
        with self._lock:
            self._db.execute("UPDATE tickets SET state=?, ticket=?, updated=? WHERE key=?",
                             (ISSUED, json.dumps(ticket, ensure_ascii=False), time.time(), key))

    def mark(self, key: str, state: str) -> None:
        with self._lock:
            self._db.execute("UPDATE tickets SET state=?, updated=? WHERE key=?", (state, time.time(), key))

    def get(self, key: str) -> JournalEntry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM tickets WHERE key=?", (key,)).fetchone()
        return _entry(row) if row else None

    def unfinished(self, max_age_s: float) -> list[JournalEntry]:
        """Entries left "issuing" or "issued" (receipt never printed) within the last max_age_s."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM tickets WHERE state IN (?, ?) AND updated > ? ORDER BY updated",
                                    (ISSUING, ISSUED, time.time() - max_age_s)).fetchall()
        return [_entry(r) for r in rows]

    def forget_older_than(self, age_s: float) -> None:
        """Phone numbers live in the requests: keep them no longer than needed."""
        with self._lock:
            self._db.execute("DELETE FROM tickets WHERE updated < ?", (time.time() - age_s,))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _entry(row) -> JournalEntry:
    key, state, request, context, ticket, updated = row
    return JournalEntry(key, state, json.loads(request), json.loads(context),
                        json.loads(ticket) if ticket else None, updated)
