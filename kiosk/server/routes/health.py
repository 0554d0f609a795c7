from __future__ import annotations

from hmac import compare_digest
from ipaddress import ip_address

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from kiosk.server.db import ping
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import MEANINGS, ApiError, answers
from kiosk.server.sync import status
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
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **answers(401, 403)})
def metrics(request: Request, bb: ServerState = Depends(server)):
    """With ``metrics_token`` set, for whoever sends it; without, for this machine only."""
    expected = bb.settings.metrics_token
    if expected:
        sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not compare_digest(sent.encode(), expected.encode()):
            raise ApiError(401, "unauthorized", "访问 /metrics 需要监控令牌（服务器设置 metrics_token）")
    elif not _loopback(request.client.host if request.client else ""):
        raise ApiError(403, "forbidden", "未设置监控令牌（metrics_token）时，/metrics 只允许服务器本机访问")
    try:
        with bb.db.read() as db:
            links = status.metrics_text(status.links(db, bb.settings))
    except SQLAlchemyError:  # the database away: the process's own figures still say something
        links = ""
    return Response(bb.metrics.render() + links.encode(), media_type="text/plain; version=0.0.4")


def _loopback(host: str) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback
