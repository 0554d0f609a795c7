"""A hall server's link to the centre: its journal up, the centre's changes down, for as long as
it runs. A failed exchange is tried again with growing pauses (up to ``MAX_PAUSE_S``); nothing
is lost meanwhile, since nothing leaves the journal before the centre confirms it."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import requests
from sqlalchemy import select

from kiosk.server.models import Hall, SyncPeer
from kiosk.server.sync import apply, journal
from kiosk.server.timeutil import utcnow

log = logging.getLogger("bangban.sync")

CENTRE = 0
UP_BATCH_BYTES = 6 * 1024 * 1024
IDLE_S = 1.0  # between exchanges when there is nothing to send; the centre's HEARD_WITHIN is 10 s
MAX_PAUSE_S = 5.0
TIMEOUT_S = 30.0


@dataclass
class Link:
    """What the loop needs: the server's database and settings, and who to tell of changes."""
    database: object
    settings: object
    after_apply: object  # called with each ``apply.Applied`` that wrote rows

    @property
    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.settings.central_token}"}

    def _peer(self, db) -> SyncPeer:
        peer = db.get(SyncPeer, CENTRE)
        if peer is None:
            peer = SyncPeer(peer=CENTRE, hall_id=None, applied_seq=0, acked_seq=0, backlog_records=0, error="")
            db.add(peer)
            db.flush()
        return peer

    def push(self, session: requests.Session) -> int:
        """Send the journal past what the centre confirmed; how many records went."""
        journal.move(self.database)
        with self.database.read() as db:
            peer = db.get(SyncPeer, CENTRE)
            acked = peer.acked_seq if peer else 0
            entries = journal.read(db, acked, limit=self.settings.hall_link_batch_records, max_bytes=UP_BATCH_BYTES,
                                   files=self.settings.data_dir)
            left = journal.backlog(db, entries[-1]["seq"] if entries else acked)
        if not entries:
            return 0
        age = (utcnow() - left.since).total_seconds() if left.since else 0.0
        body = {"node": self.settings.hall_node, "entries": entries, "backlog_records": left.records,
                "backlog_s": max(0.0, age)}
        answer = session.post(self.settings.central_url.rstrip("/") + "/api/v1/sync/up", json=body,
                              headers=self._headers, timeout=TIMEOUT_S)
        _raise_for(answer)
        applied = answer.json()["applied_seq"]
        with self.database.write() as db:
            peer = self._peer(db)
            peer.acked_seq, peer.contact_at, peer.error = max(peer.acked_seq, applied), utcnow(), ""
        journal.prune(self.database, applied)
        return len(entries)

    def pull(self, session: requests.Session) -> int:
        """Apply the centre's changes past the last applied; how many rows."""
        with self.database.read() as db:
            peer = db.get(SyncPeer, CENTRE)
            after = peer.applied_seq if peer else 0
        answer = session.get(self.settings.central_url.rstrip("/") + "/api/v1/sync/down",
                             params={"node": self.settings.hall_node, "after": after},
                             headers=self._headers, timeout=TIMEOUT_S)
        _raise_for(answer)
        entries = answer.json()["entries"]
        if not entries:
            with self.database.write() as db:
                self._peer(db).contact_at = utcnow()
            return 0
        hall_id = self._hall_id()
        done = apply.apply(self.database, CENTRE, entries, files=self.settings.data_dir, at_hall=hall_id)
        if done.rows:
            self.after_apply(done)
        return done.rows

    def _hall_id(self) -> int | None:
        with self.database.read() as db:
            return db.scalar(select(Hall.id).where(Hall.code == self.settings.hall_code))

    def note_failure(self, problem: str) -> None:
        with self.database.write() as db:
            self._peer(db).error = problem[:300]


class LinkRefused(Exception):
    pass


def _raise_for(answer: requests.Response) -> None:
    if answer.status_code >= 400:
        try:
            said = answer.json().get("message", "")
        except ValueError:
            said = answer.text[:200]
        raise LinkRefused(f"中心服务器拒绝（{answer.status_code}）：{said}")


async def run(link: Link) -> None:
    """The loop, until the server stops: pull first (a helper disabled at the centre is refused
    here as soon as possible), then push."""
    pause = IDLE_S
    session = requests.Session()
    while True:
        try:
            pulled = await asyncio.to_thread(link.pull, session)
            pushed = await asyncio.to_thread(link.push, session)
            pause = 0 if (pulled or pushed) else IDLE_S
        except (requests.RequestException, LinkRefused) as problem:
            log.warning("link to the centre: %s", problem)
            try:
                await asyncio.to_thread(link.note_failure, str(problem) or type(problem).__name__)
            except Exception:  # our own database away too: the next round says so
                log.warning("could not note the link's failure", exc_info=True)
            pause = min(MAX_PAUSE_S, max(IDLE_S, pause * 2))
            session.close()
            session = requests.Session()
        except Exception:  # a bug or our database away: logged, tried again, never the end of the link
            log.exception("link to the centre failed")
            pause = min(MAX_PAUSE_S, max(IDLE_S, pause * 2))
        await asyncio.sleep(pause)
