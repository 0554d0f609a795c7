"""Captured pages (预审材料): uploaded by the kiosk that issued the ticket or by a helper,
readable only by the staff of the ticket's hall, every read written to the audit log."""
from __future__ import annotations

import hashlib
import os
import uuid
from datetime import timedelta
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import func, select

from kiosk.server import events
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers, not_found
from kiosk.server.models import Document, Ticket
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire.answers import Document as DocumentOut
from kiosk.wire.events import DocumentAdded

router = APIRouter(prefix="/api/v1", tags=["documents"])
KIOSK_UPLOAD_WINDOW = timedelta(hours=4)  # a kiosk adds pages to its own fresh tickets only
SIGNATURES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",), "application/pdf": (b"%PDF-",)}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
TicketId = Annotated[int, Path(ge=1, le=2**62)]


def document_out(d: Document) -> DocumentOut:
    return DocumentOut(id=d.id, ticket_id=d.ticket_id, page=d.page, content_type=d.content_type, size=d.size,
                       sha256=d.sha256, uploaded_at=iso(d.uploaded_at))


def _check_body(content_type: str, data: bytes) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind not in SIGNATURES:
        raise ApiError(415, "unsupported_media_type", "只接受 JPEG、PNG 图片或 PDF 文件")
    if not data:
        raise ApiError(422, "empty_document", "上传的文件是空的")
    if not data.startswith(SIGNATURES[kind]):
        raise ApiError(422, "content_mismatch", "文件内容与声明的类型不符，请重新拍摄")
    return kind


def _may_upload(who: Caller, ticket: Ticket) -> None:
    if who.helper is not None:
        return
    if who.kind == "kiosk" and ticket.device_id == who.device.id \
            and utcnow() - ticket.issued_at <= KIOSK_UPLOAD_WINDOW:
        return
    raise ApiError(403, "forbidden", "只有出号的自助机（取号后 4 小时内）或窗口工作人员可以上传材料")


def _write_file(root: FsPath, relative: str, data: bytes) -> None:
    """Whole or not at all: a crash leaves no half-written page."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".part")
    with open(temporary, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, target)


def _store(bb: ServerState, who: Caller, ticket_id: int, kind: str, data: bytes, key: str | None):
    root, written = bb.settings.data_dir, None
    try:
        with bb.db.write() as db:
            ticket = db.get(Ticket, ticket_id)
            if ticket is None or ticket.hall_id != who.hall_id:
                raise not_found("号码")
            _may_upload(who, ticket)
            if key:
                existing = db.scalar(select(Document).where(Document.ticket_id == ticket_id,
                                                            Document.idempotency_key == key))
                if existing is not None:
                    return document_out(existing), 200
            pages = db.scalar(select(func.count()).where(Document.ticket_id == ticket_id))
            if pages >= bb.settings.max_pages_per_ticket:
                raise ApiError(413, "too_many_pages", f"每个号码最多上传 {bb.settings.max_pages_per_ticket} 页材料；"
                                                      "其余材料请带到窗口交给工作人员")
            written = f"documents/{ticket.hall_id}/{ticket.id}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
            _write_file(root, written, data)
            page = (db.scalar(select(func.max(Document.page)).where(Document.ticket_id == ticket_id)) or 0) + 1
            doc = Document(hall_id=ticket.hall_id, ticket_id=ticket.id, page=page, content_type=kind,
                           size=len(data), sha256=hashlib.sha256(data).hexdigest(), path=written,
                           idempotency_key=key, device_id=who.device.id,
                           helper_id=who.helper.id if who.helper else None, uploaded_at=utcnow())
            db.add(doc)
            db.flush()
            audit(db, who, "document.add", ticket.id, document_id=doc.id, page=page, size=len(data))
            events.record(db, ticket.hall_id, DocumentAdded(ticket_id=ticket.id, number=ticket.number, page=page))
            out = document_out(doc)
    except BaseException:
        if written:  # the record did not commit: leave no orphan file behind
            (root / written).unlink(missing_ok=True)
        raise
    return out, 201


@router.post("/tickets/{ticket_id}/documents", status_code=201, response_model=DocumentOut,
             responses={200: {"model": DocumentOut, "description": "同一 Idempotency-Key 的重试：第一次存下的页"},
                        **answers(401, 403, 404, 413, 415, 422, 429, 503)},
             openapi_extra={"requestBody": {"required": True, "content": {
                 t: {"schema": {"type": "string", "format": "binary"}} for t in SIGNATURES}}})
async def upload_document(ticket_id: TicketId, request: Request,
                          idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=100),
                          who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    data = await request.body()  # its size is bounded by kiosk.server.body_limits, before any of it is read
    kind = _check_body(request.headers.get("content-type", ""), data)
    key = idempotency_key.strip() if idempotency_key else None  # an empty key is no key, as in issuing
    out, status = await run_in_threadpool(_store, bb, who, ticket_id, kind, data, key or None)
    return JSONResponse(out.model_dump(), status_code=status)


def _readable(db, who: Caller, ticket_id: int) -> Ticket:
    require(who, "staff")
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or ticket.hall_id != who.hall_id:  # the ticket's own hall only
        raise not_found("号码")
    return ticket


@router.get("/tickets/{ticket_id}/documents", response_model=list[DocumentOut],
            responses=answers(401, 403, 404, 422, 503))
def list_documents(ticket_id: TicketId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        _readable(db, who, ticket_id)
        docs = db.scalars(select(Document).where(Document.ticket_id == ticket_id).order_by(Document.page))
        return [document_out(d) for d in docs]


@router.get("/documents/{document_id}", response_class=FileResponse,
            responses={200: {"content": {t: {} for t in SIGNATURES}}, **answers(401, 403, 404, 410, 422, 503)})
def read_document(document_id: Annotated[int, Path(ge=1, le=2**62)], who: Caller = Depends(caller),
                  bb: ServerState = Depends(server)):
    with bb.db.write() as db:  # a write: the read itself is recorded
        doc = db.get(Document, document_id)
        if doc is None:
            raise not_found("材料")
        _readable(db, who, doc.ticket_id)
        audit(db, who, "document.read", doc.ticket_id, document_id=doc.id, page=doc.page)
        path, kind = bb.settings.data_dir / doc.path, doc.content_type
    if not path.exists():
        raise ApiError(410, "document_missing", "材料文件已不在服务器上，请联系管理员")
    return FileResponse(path, media_type=kind, headers={"Cache-Control": "no-store"})
