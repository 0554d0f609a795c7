"""Captured pages on their way to the server: written to a local folder first, then uploaded
by one worker thread with an Idempotency-Key, retried until the server takes them. A page is
never lost to a network hiccup or a server restart, nor to the terminal being closed: the
folder is read again at the next start.

    outbox = PageOutbox(data_dir / "outbox", lambda: helper_api, on_settled=...)
    outbox.start()
    outbox.add(ticket_id=42, data=jpeg_bytes)          # returns at once
"""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from kiosk.client import ApiClient
from kiosk.client.errors import ApiError, ServerTrouble, ServerUnreachable, TooManyAttempts

log = logging.getLogger("bangban.ui.outbox")
RETRY_S = 3.0
SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


class PageOutbox:
    def __init__(self, folder: Path, api: Callable[[], ApiClient | None],
                 on_settled: Callable[[dict, dict | None, str], None] | None = None, retry_s: float = RETRY_S):
        """``api()``: the client to send with now (None: nobody signed in, wait); ``on_settled(meta,
        stored, refusal)`` runs on the worker thread once a page is taken or refused for good."""
        self.folder = Path(folder)
        self.rejected = self.folder / "rejected"  # refused for good: kept for staff, not retried
        self.folder.mkdir(parents=True, exist_ok=True)
        self.api, self.on_settled, self.retry_s = api, on_settled, retry_s
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, ticket_id: int, data: bytes, content_type: str = "image/jpeg") -> Path:
        name = f"{ticket_id}-{time.time_ns()}-{uuid.uuid4().hex[:8]}"  # a ticket's pages sort in capture order
        meta = {"ticket_id": ticket_id, "content_type": content_type, "key": uuid.uuid4().hex}
        (self.folder / f"{name}.json").write_text(json.dumps(meta), encoding="utf-8")
        body = self.folder / f"{name}{SUFFIXES[content_type]}"
        partial = body.with_suffix(".part")
        partial.write_bytes(data)
        partial.rename(body)  # the worker only sees whole files, and their metadata first
        self._wake.set()
        return body

    def pending(self, ticket_id: int | None = None) -> list[Path]:
        found = sorted(p for p in self.folder.iterdir() if p.suffix in SUFFIXES.values())
        return [p for p in found if ticket_id is None or p.name.startswith(f"{ticket_id}-")]

    def start(self) -> "PageOutbox":
        self._thread = threading.Thread(target=self._run, name="page-outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Try now (after a sign-in, or when the server is seen back)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            for page in self.pending():
                try:
                    settled = self.send(page)
                except Exception:  # a bug must not end the worker: the page stays and is tried again
                    log.exception("upload of %s failed", page.name)
                    settled = False
                if self._stop.is_set() or not settled:
                    break  # the server is away: wait, then start over
            self._wake.wait(self.retry_s)
            self._wake.clear()

    def send(self, page: Path) -> bool:
        """True when this page is settled (taken, or refused for good)."""
        api = self.api()
        if api is None:
            return False
        meta_path = page.with_suffix(".json")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        try:
            stored = api.upload_document(meta["ticket_id"], page.read_bytes(),
                                         meta.get("content_type", "image/jpeg"), meta["key"])
        except (ServerUnreachable, ServerTrouble, TooManyAttempts) as exc:
            log.info("upload of %s waits: %s", page.name, exc)
            return False
        except ApiError as exc:
            if exc.status == 401:  # the session ended: the next helper's session sends it
                return False
            self.rejected.mkdir(exist_ok=True)
            log.warning("upload of %s refused: %s", page.name, exc.message)
            page.rename(self.rejected / page.name)
            meta_path.rename(self.rejected / meta_path.name)
            self._settled(meta, None, exc.message)
            return True
        page.unlink()
        meta_path.unlink(missing_ok=True)
        self._settled(meta, stored, "")
        return True

    def _settled(self, meta: dict, stored: dict | None, refusal: str) -> None:
        if self.on_settled is not None:
            self.on_settled(meta, stored, refusal)
