"""The central server: FastAPI on one database, SQLite or PostgreSQL."""
from __future__ import annotations

import asyncio
import gc
import logging
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from kiosk.domain.queue_policy import Policy
from kiosk.server import errors, rollups
from kiosk.server.auth import CallerCache
from kiosk.server.body_limits import BodyLimits
from kiosk.server.nul_guard import NulGuard
from kiosk import sdnotify
from kiosk.server.db import Database, migrate, ping
from kiosk.server.deps import ServerState
from kiosk.server.events import EventHub
from kiosk.server.rate_limits import PerMinute
from kiosk.server.metrics import LatencyMiddleware, Metrics
from kiosk.server.schemas import known_query_only
from kiosk.server.routes import (
    booking_page, bookings, case_documents, case_page, cases, catalog, device_health, documents, figures, health,
    home_visits, ledger, public_feedback, ratings, referrals, sessions, status_page, stream, supervision, sync,
    tickets, windows,
)
from kiosk.server.routes import setup as setup_routes
from kiosk.server.supervisor.routes import router as supervisor_router
from kiosk.server.sync import link as sync_link, setup as sync_setup
from kiosk.server.sync.at_hall import CatalogueAtCentre
from kiosk.server.timeutil import set_timezone
from kiosk.config.server import Settings
from kiosk.wire import events as wire_events

log = logging.getLogger("bangban.server")


async def _warm_rollups(database: Database, every_s: float = 3600) -> None:
    """Closed days' figures summed ahead of time, at start and then hourly."""
    while True:
        try:
            days = await asyncio.to_thread(rollups.warm, database)
            log.info("figure rollups up to date (%d days looked at)", days)
        except Exception:  # the database away: the figures then read the records, try again later
            log.warning("figure rollups not built", exc_info=True)
        await asyncio.sleep(every_s)


async def _checkpoints(database: Database, every_s: float = 1.0) -> None:
    while True:
        await asyncio.sleep(every_s)
        try:
            await asyncio.to_thread(database.checkpoint)
        except Exception:  # the disk or the database away: the log grows until the next try
            log.warning("SQLite checkpoint failed", exc_info=True)


async def _watchdog(database: Database) -> None:
    """Tell systemd we are alive only while the database answers, so a stuck server is restarted."""
    interval = sdnotify.watchdog_interval_s()
    if interval is None:
        return
    while True:
        if await asyncio.to_thread(ping, database.engine):
            sdnotify.notify("WATCHDOG=1")
        await asyncio.sleep(interval)


def _refusal(status: int) -> dict:
    """``errors.answers`` as the OpenAPI document writes it, for an operation's document."""
    return {"description": errors.MEANINGS[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def _documented(app: FastAPI):
    """The OpenAPI document, with the bearer token named where an operation needs one, and every
    event's payload (``kiosk.wire.events``) among its schemas and named, by type, on the event
    stream's answer."""
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "设备令牌（bangban device add）或帮办代办员登录后的会话令牌"}}
            for operations in schema["paths"].values():
                for operation in operations.values():
                    responses = operation.setdefault("responses", {})
                    if "401" in responses:
                        operation["security"] = [{"bearer": []}]
                    # the edge's refusals, before any route: a NUL anywhere in the request (nul_guard,
                    # the headers included) and a body past its route's limit (body_limits)
                    responses.setdefault("400", _refusal(400))
                    if "requestBody" in operation:
                        responses.setdefault("413", _refusal(413))
            schema["components"]["securitySchemes"]["metrics"] = {
                "type": "http", "scheme": "bearer",
                "description": "监控令牌（服务器设置 metrics_token）；未设置时只允许服务器本机访问"}
            schema["paths"]["/metrics"]["get"]["security"] = [{"metrics": []}]
            models = [wire_events.Envelope, *wire_events.PAYLOADS.values()]
            refs, defs = models_json_schema([(m, "serialization") for m in models],
                                            ref_template="#/components/schemas/{model}")
            schema["components"].setdefault("schemas", {}).update(defs["$defs"])
            stream = schema["paths"]["/api/v1/events"]["get"]["responses"]["200"]
            stream["x-event-envelope"] = refs[(wire_events.Envelope, "serialization")]
            stream["x-event-types"] = {m.type: refs[(m, "serialization")] for m in wire_events.PAYLOADS.values()}
            app.openapi_schema = schema
        return app.openapi_schema
    return openapi


def create_app(settings: Settings, *, run_migrations: bool = True) -> FastAPI:
    set_timezone(settings.timezone)
    if run_migrations:
        migrate(settings.database_url)
    database = Database(settings.database_url, background_checkpoints=True)
    sync_setup.prepare(database, settings)
    state = ServerState(settings=settings, db=database, hub=EventHub(database),
                        policy=Policy(priority_lead=timedelta(minutes=settings.priority_lead_minutes),
                                      booking_lead=timedelta(minutes=settings.booking_lead_minutes)),
                        metrics=Metrics(), callers=CallerCache(),
                        calendar=settings.working_days(), issuing=PerMinute(settings.kiosk_tickets_per_minute),
                        citizen_booking=PerMinute(settings.citizen_bookings_per_minute))

    @asynccontextmanager
    async def lifespan(_app):
        await state.hub.start()
        # What start-up made (modules, routes, the ORM's mappers, caches) lives as long as the
        # process: kept out of the collector's full passes, which otherwise walk all of it every
        # few seconds on a busy server and stall every request for a tenth of a second.
        gc.collect()
        gc.freeze()
        watchdog = asyncio.create_task(_watchdog(database))
        warming = asyncio.create_task(_warm_rollups(database))
        checkpoints = asyncio.create_task(_checkpoints(database)) if not database.is_postgres else None
        linking = (asyncio.create_task(sync_link.run(sync_link.Link(database, settings, lambda _done: state.callers.clear())))
                   if settings.is_hall_server else None)
        sdnotify.notify("READY=1")
        yield
        watchdog.cancel()
        warming.cancel()
        for task in (checkpoints, linking):
            if task:
                task.cancel()
        await state.hub.stop()
        await database.close()

    app = FastAPI(title="bangban 帮办代办", version="1", lifespan=lifespan,
                  dependencies=[Depends(known_query_only)])
    app.state.bb = state
    app.openapi = _documented(app)
    errors.install(app)
    # the busiest first: a request is matched against the routers in this order
    for module in (tickets, ratings, stream, windows, sessions, catalog, device_health, health, documents, cases, case_documents, referrals, ledger,
                   figures, status_page, case_page, supervision, public_feedback, bookings, home_visits, booking_page,
                   setup_routes, sync):
        app.include_router(module.router)
    app.include_router(supervisor_router)
    app.add_middleware(NulGuard)
    if settings.is_hall_server:
        app.add_middleware(CatalogueAtCentre)
    app.add_middleware(BodyLimits, settings=settings)  # outside NulGuard: it reads bodies first
    app.add_middleware(LatencyMiddleware, metrics=state.metrics)
    logging.getLogger("bangban").setLevel(logging.INFO)
    return app
