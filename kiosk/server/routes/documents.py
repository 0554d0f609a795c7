"""Captured pages (预审材料) over HTTP: the work is in ``kiosk.server.documents``."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from kiosk.server import documents
from kiosk.server.deps import IdemKey, ServerState, caller, request_key, server
from kiosk.server.auth import Caller
from kiosk.server.errors import answers
from kiosk.server.stored_files import SIGNATURES, UPLOAD_BODY, check_body, kept
from kiosk.wire.answers import Document as DocumentOut

router = APIRouter(prefix="/api/v1", tags=["documents"])
TicketId = Annotated[int, Path(ge=1, le=2**62)]


@router.post("/tickets/{ticket_id}/documents", status_code=201, response_model=DocumentOut,
             responses={200: {"model": DocumentOut, "description": "同一 Idempotency-Key 的重试：第一次存下的页"},
                        **answers(401, 403, 404, 413, 415, 422, 429, 503)},
             openapi_extra=UPLOAD_BODY)
async def upload_document(ticket_id: TicketId, request: Request,
                          idempotency_key: str | None = IdemKey,
                          who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    data = await request.body()  # its size is bounded by kiosk.server.body_limits, before any of it is read
    kind = check_body(request.headers.get("content-type", ""), data)
    out, status = await run_in_threadpool(documents.store, bb.db, bb.settings.data_dir,
                                          bb.settings.max_pages_per_ticket, who, ticket_id, kind, data, request_key(idempotency_key))
    return JSONResponse(out.model_dump(), status_code=status)


@router.get("/tickets/{ticket_id}/documents", response_model=list[DocumentOut],
            responses=answers(401, 403, 404, 422, 503))
def list_documents(ticket_id: TicketId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        return documents.ticket_pages(db, who, ticket_id)


@router.get("/documents/{document_id}", response_class=FileResponse,
            responses={200: {"content": {t: {} for t in SIGNATURES}}, **answers(401, 403, 404, 410, 422, 503)})
def read_document(document_id: Annotated[int, Path(ge=1, le=2**62)], who: Caller = Depends(caller),
                  bb: ServerState = Depends(server)):
    with bb.db.write() as db:  # a write: the read itself is recorded
        doc = documents.read(db, who, document_id)
        relative, kind = doc.path, doc.content_type
    return FileResponse(kept(bb.settings.data_dir, relative), media_type=kind, headers={"Cache-Control": "no-store"})
