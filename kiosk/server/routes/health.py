from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from kiosk.server.db import ping
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import MEANINGS
from kiosk.wire.answers import Health
from kiosk.wire.errors import Unhealthy

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health,
            responses={503: {"model": Unhealthy, "description": MEANINGS[503]}})
def healthz(bb: ServerState = Depends(server)):
    if ping(bb.db.engine):
        return Health(status="ok", db="ok")
    return JSONResponse({"status": "degraded", "db": "unreachable",
                         "error": {"code": "db_unreachable", "message": "数据库无法连接"}}, status_code=503)


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(bb: ServerState = Depends(server)):
    return Response(bb.metrics.render(), media_type="text/plain; version=0.0.4")
