"""What every route needs: the server's state and who is calling."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from kiosk.domain.queue_policy import Policy
from kiosk.server.auth import Caller, bearer, identify
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


def server(request: Request) -> ServerState:
    return request.app.state.bb


def caller(request: Request) -> Caller:
    state: ServerState = request.app.state.bb
    token = bearer(request)
    with state.db.read() as db:
        return identify(db, token)
