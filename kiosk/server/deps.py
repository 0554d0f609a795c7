"""What every route needs: the server's state and who is calling."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from kiosk.domain.queue_policy import Policy
from kiosk.domain.working_days import Calendar
from kiosk.server.auth import Caller, CallerCache, bearer, identify
from kiosk.server.db import Database
from kiosk.server.events import EventHub
from kiosk.server.metrics import Metrics
from kiosk.settings import Settings


@dataclass
class ServerState:
    settings: Settings
    db: Database
    hub: EventHub
    policy: Policy
    metrics: Metrics
    callers: CallerCache
    calendar: Calendar


# Both are async: FastAPI runs a plain `def` dependency in its thread pool, and two thread hops
# per request cost more than everything a cached caller needs.
async def server(request: Request) -> ServerState:
    return request.app.state.bb


async def caller(request: Request) -> Caller:
    state: ServerState = request.app.state.bb
    token = bearer(request)
    known = state.callers.get(token)
    if known is not None:
        return known
    who = await run_in_threadpool(_identify, state.db, token)
    state.callers.put(token, who)
    return who


def _identify(database: Database, token: str) -> Caller:
    with database.read() as db:
        return identify(db, token)
