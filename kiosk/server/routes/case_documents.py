"""A case's pages over HTTP: the work is in ``kiosk.server.case_documents``."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from kiosk.server import case_documents, cases
from kiosk.server.auth import Caller
from kiosk.server.deps import IdemKey, ServerState, caller, request_key, server
from kiosk.server.errors import answers
from kiosk.server.stored_files import SIGNATURES, UPLOAD_BODY, check_body, kept
from kiosk.wire.records import CaseDocument as CaseDocumentOut, SignedCase

router = APIRouter(prefix="/api/v1", tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=2**62)]
UPLOADED = {"response_model": SignedCase, "openapi_extra": UPLOAD_BODY,
            "responses": {200: {"model": SignedCase, "description": "已登记过（同一 Idempotency-Key）"},
                          **answers(401, 403, 404, 409, 413, 415, 422, 503)}}


async def _upload(request: Request) -> tuple[str, bytes]:
    data = await request.body()  # its size is bounded by kiosk.server.body_limits, before any of it is read
    return check_body(request.headers.get("content-type", ""), data), data


@router.post("/cases/{case_id}/signatures/{form}", status_code=201, **UPLOADED)
async def sign(case_id: CaseId, form: Annotated[str, Path(pattern="^(entrustment|suspension|resumption|closing)$")],
               request: Request, idempotency_key: str | None = IdemKey,
               who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The person signed ``form``: the body is the signed page as the camera took it."""
    content_type, data = await _upload(request)
    out, status = await run_in_threadpool(
        case_documents.sign, bb.db, bb.settings.data_dir, who, case_id, form, content_type, data, request_key(idempotency_key),
        lambda db, case: cases.case_view(db, bb, who, case))
    return JSONResponse(out, status_code=status)


@router.post("/cases/{case_id}/delivery/result", status_code=201, **UPLOADED)
async def upload_result(case_id: CaseId, request: Request, idempotency_key: str | None = IdemKey,
                        who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Electronic delivery: the result document, for the applicant to download once with the case's code."""
    content_type, data = await _upload(request)
    out, status = await run_in_threadpool(
        case_documents.deliver_result, bb.db, bb.settings.data_dir, who, case_id, content_type, data,
        request_key(idempotency_key), lambda db, case: cases.case_view(db, bb, who, case))
    return JSONResponse(out, status_code=status)


@router.get("/cases/{case_id}/documents", response_model=list[CaseDocumentOut],
            responses=answers(401, 403, 404, 422, 503))
def list_case_documents(case_id: CaseId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        return case_documents.case_pages(db, who, case_id)


@router.get("/case-documents/{document_id}", response_class=FileResponse,
            responses={200: {"content": {t: {} for t in SIGNATURES}}, **answers(401, 403, 404, 410, 422, 503)})
def read_case_document(document_id: Annotated[int, Path(ge=1, le=2**62)], who: Caller = Depends(caller),
                       bb: ServerState = Depends(server)):
    with bb.db.write() as db:  # a write: the read itself is recorded
        doc = case_documents.read(db, who, document_id)
        relative, kind = doc.path, doc.content_type
    return FileResponse(kept(bb.settings.data_dir, relative), media_type=kind, headers={"Cache-Control": "no-store"})
