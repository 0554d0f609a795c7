"""The hall's catalogue as a kiosk and a window terminal read it."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from kiosk.server import hall_now
from kiosk.server.auth import Caller
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import answers
from kiosk.wire import answers as wire

router = APIRouter(prefix="/api/v1", tags=["hall"])


@router.get("/catalog", response_model=wire.Catalog, responses=answers(401, 422, 503))
def catalog(q: str | None = Query(default=None, max_length=50), category: str | None = Query(default=None, max_length=20),
            who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The queues and matters; ``q`` matches characters of the name or pinyin initials."""
    with bb.db.read() as db:
        return hall_now.catalog(db, who.hall_id, q, category)


@router.get("/queues/waiting", response_model=list[wire.QueueWaiting], responses=answers(401, 503))
def waiting_per_queue(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Per queue: how many wait and how long the longest has waited."""
    with bb.db.read() as db:
        return hall_now.queue_lines(db, who.hall_id)
