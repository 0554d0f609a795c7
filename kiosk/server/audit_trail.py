"""The audit log (留痕): every change and every read of a citizen's record, by whom and from where."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from kiosk.server.auth import Caller
from kiosk.server.models import AuditEntry
from kiosk.server.timeutil import utcnow

_INSERT_AUDIT = insert(AuditEntry)


def audit(db: Session, caller: Caller, action: str, ticket_id: int | None = None, **detail) -> None:
    """One entry in the caller's transaction (a Session or a ``db.Transaction``)."""
    db.execute(_INSERT_AUDIT, {  # a prebuilt Core insert: a write-only row needs no ORM
        "hall_id": caller.hall_id, "at": utcnow(), "action": action,
        "helper_id": caller.helper.id if caller.helper else None,
        "device_id": caller.device.id, "ticket_id": ticket_id, "detail": detail})
