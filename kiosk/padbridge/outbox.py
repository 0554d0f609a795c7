"""The bridge's local SQLite outbox: every accepted key press is written here before the pad is acked,
and leaves only when the server has taken it (or refused it for good).

`pad_seq`, the idempotency key the server sees, is the outbox row id, not the pad's own u16
sequence (that one wraps, and restarts when the pad is power-cycled). Row ids come from
AUTOINCREMENT, so they are never reused in one outbox file; a new outbox file starts its ids at
the number of seconds since 2025-01-01, which is above every id an earlier file for the same
window can have handed out (a window rates far fewer than one service a second). That keeps
pad_seq unique per window even if the outbox is deleted, and inside a signed 32-bit column
until about 2093.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

EPOCH_2025 = 1735689600

SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    pad_seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    window      INTEGER NOT NULL,
    request_key TEXT NOT NULL,
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    pressed_at  TEXT NOT NULL,
    sent_at     TEXT,
    dropped_at  TEXT,
    drop_reason TEXT,
    UNIQUE (window, request_key)
);
CREATE TABLE IF NOT EXISTS bridge_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class OutboxRating:
    pad_seq: int
    window: int
    request_key: str  # which rating request this answers: one rating per service
    score: int
    pressed_at: str
    sent_at: str | None = None
    dropped_at: str | None = None
    drop_reason: str | None = None


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="milliseconds")


class Outbox:
    """Thread-safe; one connection guarded by a lock (the bridge writes a few rows a minute)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a rating acked to the pad must survive a power cut
        with self._lock:
            self._db.executescript(SCHEMA)
            self._seed_sequence()

    def _seed_sequence(self) -> None:
        seeded = self._db.execute("SELECT 1 FROM sqlite_sequence WHERE name = 'ratings'").fetchone()
        if not seeded:
            start = max(1, int(time.time()) - EPOCH_2025)
            self._db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('ratings', ?)", (start,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, window: int, request_key: str, score: int, pressed_at: str | None = None) -> OutboxRating | None:
        """Store a press for one rating request. None if that request already has its rating."""
        with self._lock:
            taken = self._db.execute(
                "SELECT 1 FROM ratings WHERE window = ? AND request_key = ?", (window, request_key)
            ).fetchone()
            if taken:
                return None  # checked first: a refused INSERT OR IGNORE would still use up a pad_seq
            cur = self._db.execute(
                "INSERT OR IGNORE INTO ratings (window, request_key, score, pressed_at) VALUES (?, ?, ?, ?)",
                (window, request_key, score, pressed_at or now_iso()),
            )
            if cur.rowcount == 0:
                return None
            return self._get(cur.lastrowid)

    def has_rating_for(self, window: int, request_key: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM ratings WHERE window = ? AND request_key = ?", (window, request_key)
            ).fetchone()
        return row is not None

    def pending(self) -> list[OutboxRating]:
        """Not yet taken by the server, oldest first: the order they must go out in."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM ratings WHERE sent_at IS NULL AND dropped_at IS NULL ORDER BY pad_seq"
            ).fetchall()
        return [OutboxRating(**row) for row in rows]

    def mark_sent(self, pad_seq: int, at: str | None = None) -> None:
        with self._lock:
            self._db.execute("UPDATE ratings SET sent_at = ? WHERE pad_seq = ?", (at or now_iso(), pad_seq))

    def mark_dropped(self, pad_seq: int, reason: str) -> None:
        """The server refused it for good (e.g. 409: nothing to rate). Kept for the record, never resent."""
        with self._lock:
            self._db.execute(
                "UPDATE ratings SET dropped_at = ?, drop_reason = ? WHERE pad_seq = ?", (now_iso(), reason, pad_seq)
            )

    def get(self, pad_seq: int) -> OutboxRating | None:
        with self._lock:
            return self._get(pad_seq)

    def _get(self, pad_seq: int) -> OutboxRating | None:
        row = self._db.execute("SELECT * FROM ratings WHERE pad_seq = ?", (pad_seq,)).fetchone()
        return OutboxRating(**row) if row else None

    def all(self) -> list[OutboxRating]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM ratings ORDER BY pad_seq").fetchall()
        return [OutboxRating(**row) for row in rows]

    # the last server event seen, so a restarted bridge resumes the event stream where it stopped
    def get_state(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM bridge_state WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_state(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO bridge_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
