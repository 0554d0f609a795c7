from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from kiosk.server.db import ping
from kiosk.server.deps import ServerState, server

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(bb: ServerState = Depends(server)):
    if ping(bb.db.engine):
        return {"status": "ok", "db": "ok"}
    return JSONResponse({"status": "degraded", "db": "unreachable",
                         "error": {"code": "db_unreachable", "message": "数据库无法连接"}}, status_code=503)


@router.get("/metrics", response_class=Response)
def metrics(bb: ServerState = Depends(server)):
    return Response(bb.metrics.render(), media_type="text/plain; version=0.0.4")
