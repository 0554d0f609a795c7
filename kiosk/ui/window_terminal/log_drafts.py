"""The service log (工作日志) of the ticket being served, saved on every change so a crash,
a power cut or a restart loses nothing. One small SQLite file under the data folder."""
from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

LABELS = {"who": "来人", "contact": "联系方式", "asked": "咨询或申办事项", "done": "办理情况"}


@dataclass(frozen=True)
class ServiceLog:
    who: str = ""  # 来人: the person served, or who came on their behalf
    contact: str = ""
    asked: str = ""
    done: str = ""

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name).strip() for f in fields(self))

    def as_text(self) -> str:
        """The text sent with finish: one labelled line per field that has something."""
        return "\n".join(f"{LABELS[f.name]}：{getattr(self, f.name).strip()}"
                         for f in fields(self) if getattr(self, f.name).strip())


class LogDrafts:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a keystroke saved is a keystroke kept
        self._db.execute("CREATE TABLE IF NOT EXISTS drafts (ticket_id INTEGER PRIMARY KEY, number TEXT,"
                         " who TEXT, contact TEXT, asked TEXT, done TEXT, saved_at REAL)")

    def save(self, ticket_id: int, number: str, log: ServiceLog) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO drafts VALUES (:ticket_id, :number, :who, :contact, :asked, :done, :at)"
                " ON CONFLICT(ticket_id) DO UPDATE SET number=:number, who=:who, contact=:contact,"
                " asked=:asked, done=:done, saved_at=:at",
                {"ticket_id": ticket_id, "number": number, "at": time.time(), **asdict(log)})

    def load(self, ticket_id: int) -> ServiceLog | None:
        with self._lock:
            row = self._db.execute("SELECT who, contact, asked, done FROM drafts WHERE ticket_id=?",
                                   (ticket_id,)).fetchone()
        return ServiceLog(*row) if row else None

    def discard(self, ticket_id: int) -> None:
        """After the server has the log (finish accepted)."""
        with self._lock:
            self._db.execute("DELETE FROM drafts WHERE ticket_id=?", (ticket_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
