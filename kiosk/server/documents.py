"""Captured pages (预审材料) of a ticket: added by the kiosk that issued the ticket (within 4 hours) or by
a helper, readable only by the staff of the ticket's hall, every read written to the audit log."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.server import events
from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller, require
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Document, Ticket
from kiosk.server.stored_files import new_name, removed_unless_recorded
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire.answers import Document as DocumentOut
from kiosk.wire.events import DocumentAdded

KIOSK_UPLOAD_WINDOW = timedelta(hours=4)  # a kiosk adds pages to its own fresh tickets only


def document_out(d: Document) -> DocumentOut:
    return DocumentOut(id=d.id, ticket_id=d.ticket_id, page=d.page, content_type=d.content_type, size=d.size,
                       sha256=d.sha256, uploaded_at=iso(d.uploaded_at))


def _may_upload(who: Caller, ticket: Ticket) -> None:
    if who.helper is not None:
        return
    if who.kind == "kiosk" and ticket.device_id == who.device.id \
            and utcnow() - ticket.issued_at <= KIOSK_UPLOAD_WINDOW:
        return
    raise ApiError(403, "forbidden", "只有出号的自助机（取号后 4 小时内）或窗口工作人员可以上传材料")


def store(database, root: Path, max_pages: int, who: Caller, ticket_id: int, kind: str, data: bytes,
          key: str | None) -> tuple[DocumentOut, int]:
    """The page recorded and its file written, both or neither; a repeated ``key`` answers the first
    upload (200) instead of storing the page twice (201)."""
    with removed_unless_recorded(root) as write, database.write() as db:
        # locked: two uploads at once would both count the pages below the limit and take one number
        ticket = db.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None or ticket.hall_id != who.hall_id:
            raise not_found("号码")
        _may_upload(who, ticket)
        if key:
            existing = db.scalar(select(Document).where(Document.ticket_id == ticket_id,
                                                        Document.idempotency_key == key))
            if existing is not None:
                return document_out(existing), 200
        pages = db.scalar(select(func.count()).where(Document.ticket_id == ticket_id))
        if pages >= max_pages:
            raise ApiError(413, "too_many_pages", f"每个号码最多上传 {max_pages} 页材料；其余材料请带到窗口交给工作人员")
        written = new_name(f"documents/{ticket.hall_id}/{ticket.id}", kind)
        write(written, data)
        page = (db.scalar(select(func.max(Document.page)).where(Document.ticket_id == ticket_id)) or 0) + 1
        doc = Document(hall_id=ticket.hall_id, ticket_id=ticket.id, page=page, content_type=kind,
                       size=len(data), sha256=hashlib.sha256(data).hexdigest(), path=written,
                       idempotency_key=key, device_id=who.device.id,
                       helper_id=who.helper.id if who.helper else None, uploaded_at=utcnow())
        db.add(doc)
        db.flush()
        audit(db, who, "document.add", ticket.id, document_id=doc.id, page=page, size=len(data))
        events.record(db, ticket.hall_id, DocumentAdded(ticket_id=ticket.id, number=ticket.number, page=page))
        return document_out(doc), 201


def _readable(db: Session, who: Caller, ticket_id: int) -> Ticket:
    require(who, "staff")
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or ticket.hall_id != who.hall_id:  # the ticket's own hall only
        raise not_found("号码")
    return ticket


def ticket_pages(db: Session, who: Caller, ticket_id: int) -> list[DocumentOut]:
    _readable(db, who, ticket_id)
    docs = db.scalars(select(Document).where(Document.ticket_id == ticket_id).order_by(Document.page))
    return [document_out(d) for d in docs]


def read(db: Session, who: Caller, document_id: int) -> Document:
    """A page its reader may see, the read written to the audit log (``db`` is a write session)."""
    doc = db.get(Document, document_id)
    if doc is None:
        raise not_found("材料")
    _readable(db, who, doc.ticket_id)
    audit(db, who, "document.read", doc.ticket_id, document_id=doc.id, page=doc.page)
    return doc
