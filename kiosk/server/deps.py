"""What every route needs: the server's state and who is calling."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Header, Request

from kiosk.domain.queue_policy import Policy
from kiosk.domain.working_days import Calendar
from kiosk.server.auth import Caller, CallerCache, bearer
from kiosk.server.db import Database
from kiosk.server.events import EventHub
from kiosk.server.metrics import Metrics
from kiosk.server.rate_limits import PerMinute
from kiosk.config.server import Settings


@dataclass
class ServerState:
    settings: Settings
    db: Database
    hub: EventHub
    policy: Policy
    metrics: Metrics
    callers: CallerCache
    calendar: Calendar
    issuing: PerMinute  # tickets per kiosk
    citizen_booking: PerMinute  # public bookings per address


# Both are async so that FastAPI calls them on the event loop: a plain function would cost
# each request a round trip through the thread pool for what is a dictionary lookup.

async def server(request: Request) -> ServerState:
    return request.app.state.bb


async def caller(request: Request) -> Caller:
    state: ServerState = request.app.state.bb
    token = bearer(request)
    known = state.callers.get(token)
    if known is not None:
        return known
    return await state.db.read_on_loop(lambda db: state.callers.load(db, token))


IdemKey = Header(default=None, alias="Idempotency-Key", max_length=100)


def request_key(header: str | None, scope: str = "") -> str | None:
    """The Idempotency-Key as it is kept, ``scope`` before it: an empty or blank one is no key, so two
    requests that both send it are two requests, never a retry of each other nor a clash of keys."""
    key = (header or "").strip()
    return f"{scope}{key}" if key else None
