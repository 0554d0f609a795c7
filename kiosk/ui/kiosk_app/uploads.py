"""Captured pages on their way to the server: written to a local folder first, uploaded by
one worker, retried until the server takes them. A page is never lost to a network hiccup.

    outbox = DocumentOutbox(data_dir / "outbox", api)
    outbox.add(ticket_id=42, jpeg=bytes_, page=1)   # returns at once
"""
from __future__ import annotations

import json
import logging
import threading
import uuid
from pathlib import Path

import requests

from kiosk.client import ApiClient
from kiosk.client.api import error_from

log = logging.getLogger("bangban.kiosk.uploads")
RETRY_S = 3.0


class DocumentOutbox:
    def __init__(self, folder: Path, api: ApiClient, retry_s: float = RETRY_S):
        self.folder = folder
        self.rejected = folder / "rejected"  # the server refused it for good: kept for staff, not retried
        self.folder.mkdir(parents=True, exist_ok=True)
        self.api, self.retry_s = api, retry_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, ticket_id: int, jpeg: bytes, page: int) -> Path:
        name = f"{ticket_id}-{page:02d}-{uuid.uuid4().hex[:8]}"
        body = self.folder / f"{name}.jpg"
        partial = body.with_suffix(".part")
        partial.write_bytes(jpeg)
        (self.folder / f"{name}.json").write_text(json.dumps(
            {"ticket_id": ticket_id, "page": page, "key": uuid.uuid4().hex}), encoding="utf-8")
        partial.rename(body)  # the worker only sees whole files
        self._wake.set()
        return body

    def pending(self) -> list[Path]:
        return sorted(self.folder.glob("*.jpg"))

    def start(self) -> "DocumentOutbox":
        self._thread = threading.Thread(target=self._run, name="kiosk-uploads", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            for page in self.pending():
                if self._stop.is_set() or not self.send(page):
                    break  # the server is away: wait, then start over
            self._wake.wait(self.retry_s)
            self._wake.clear()

    def send(self, page: Path) -> bool:
        """True when this page is settled (taken, or refused for good)."""
        meta_path = page.with_suffix(".json")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        url = f"{self.api.base_url}/api/v1/tickets/{meta['ticket_id']}/documents"
        headers = {**self.api.headers(), "Content-Type": "image/jpeg", "Idempotency-Key": meta["key"]}
        try:
            response = self.api.http.post(url, data=page.read_bytes(), headers=headers, timeout=(3, 30))
        except requests.RequestException as exc:
            log.info("upload of %s waits: %s", page.name, exc)
            return False
        if response.status_code in (200, 201):
            page.unlink()
            meta_path.unlink(missing_ok=True)
            return True
        if response.status_code >= 500 or response.status_code in (404, 405, 429):
            # 404/405: a server without the route yet; 429: slow down. Both: try later
            log.info("upload of %s waits: HTTP %s", page.name, response.status_code)
            return False
        self.rejected.mkdir(exist_ok=True)
        log.warning("upload of %s refused: %s", page.name, error_from(response).message)
        page.rename(self.rejected / page.name)
        meta_path.rename(self.rejected / meta_path.name)
        return True
