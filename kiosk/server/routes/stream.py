"""Server-Sent Events: the hall's changes each caller may see, resumable by Last-Event-ID."""
from __future__ import annotations

import json
import os
import re

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse

from kiosk.server.auth import Caller
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.event_access import event_types

router = APIRouter(prefix="/api/v1", tags=["events"])


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"description": "事件流：每个事件的 data 为 EventEnvelope 加上该类型的字段（见 components）",
                             "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                       **answers(400, 401, 422, 503)})
async def event_stream(last_event_id: str | None = Header(default=None, alias="Last-Event-ID", max_length=20),
                       since: int | None = Query(default=None, ge=0, le=2**62),
                       who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """``since`` is the same as Last-Event-ID for clients that cannot set headers."""
    after = since
    if last_event_id is not None and last_event_id.strip():
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses
        if not re.fullmatch(r"[0-9]{1,19}", last_event_id.strip()):
            raise ApiError(400, "bad_last_event_id", "Last-Event-ID 必须是事件编号（整数）")
        after = int(last_event_id)
    halls = {who.hall_id}

    start = bb.hub.position(after)

    async def body():
        yield b"retry: 2000\n\n"
        if after is None:
            # A client starting "from now" learns where now is, so that if it drops before any
            # event comes it can still resume from here and miss nothing.
            data = json.dumps({"id": start, "type": "stream.position"})
            yield f"id: {start}\nevent: stream.position\ndata: {data}\n\n".encode()
        # Starlette cancels this generator when the client goes away
        async for chunk in bb.hub.stream(halls, start, event_types(who)):
            yield b": keep-alive\n\n" if chunk is None else chunk

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no",
                                      "X-Served-By": str(os.getpid())})
