"""回访整改: follow-ups that bad ratings open (of a service or of a proxy case), listed and closed by a
supervisor of their hall. The API and the supervisor's page both go through here."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server import events
from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import FollowUp, Rating
from kiosk.server.rating_records import rating_out
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire import answers as wire
from kiosk.wire.events import FollowUpClosed


def follow_up_out(f: FollowUp, r: Rating | None) -> wire.FollowUp:
    """``r`` is None for a follow-up a case's rating opened (``case_rating_id``)."""
    return wire.FollowUp(id=f.id, status=f.status, opened_at=iso(f.opened_at), closed_at=iso(f.closed_at),
                         note=f.note, helper_id=f.helper_id, rating=rating_out(r) if r else None,
                         case_rating_id=f.case_rating_id)


def listed(db: Session, hall_id: int, status: str | None = None) -> list[tuple[FollowUp, Rating | None]]:
    """A hall's follow-ups with the service rating that opened each (None: a case's), oldest first."""
    query = select(FollowUp, Rating).outerjoin(Rating, Rating.id == FollowUp.rating_id).where(
        FollowUp.hall_id == hall_id)
    if status:
        query = query.where(FollowUp.status == status)
    return [(f, r) for f, r in db.execute(query.order_by(FollowUp.id))]


def close(db: Session, who: Caller, follow_up_id: int, note: str) -> wire.FollowUp:
    """Only a supervisor closes a follow-up of their own hall, once."""
    if not who.is_supervisor:
        raise ApiError(403, "forbidden", "差评回访整改须由协调员或首席帮办代办员关闭")
    follow = db.get(FollowUp, follow_up_id)
    if follow is None or follow.hall_id != who.hall_id:
        raise not_found("回访记录")
    if follow.status == "closed":
        raise ApiError(409, "already_closed", "该回访记录已经关闭")
    follow.status, follow.closed_at, follow.note = "closed", utcnow(), note
    follow.closed_by = who.helper.id if who.helper else None
    audit(db, who, "followup.close", follow_up_id=follow.id)
    events.record(db, who.hall_id, FollowUpClosed(follow_up_id=follow.id))
    return follow_up_out(follow, db.get(Rating, follow.rating_id) if follow.rating_id else None)
