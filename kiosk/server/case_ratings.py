"""Rating a completed case (seeds 001, 002: 事项办结后…好差评): once, on the pad of the window where
it was completed (its next press) or on the case's public page with the case's code. A bad
rating opens the follow-up a supervisor closes, as a service's does."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg
from sqlalchemy.orm import Session

from kiosk.domain.ratings import SCORE_NAMES, needs_follow_up
from kiosk.server import cases, events
from kiosk.server.auth import Caller
from kiosk.server.db import Database
from kiosk.server.errors import ApiError
from kiosk.server.models import Case, CaseRating, CaseRatingInvite, CaseStep, FollowUp, Service, Window
from kiosk.server.rating_records import already_rated, pressed_moment
from kiosk.server.audit_trail import audit
from kiosk.server.tickets import CLOCK_SKEW
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire.answers import Rating
from kiosk.wire.events import FollowUpOpened


def rating_out(r: CaseRating) -> Rating:
    return Rating(id=r.id, case_id=r.case_id, service_id=None, window_id=r.window_id, score=r.score,
                  score_name=SCORE_NAMES[r.score], pad_seq=r.pad_seq, channel=r.channel, rated_at=iso(r.rated_at))


def completed(db: Session, case: Case) -> bool:
    return db.scalar(select(CaseStep.id).where(CaseStep.case_id == case.id, CaseStep.action == "complete")
                     .limit(1)) is not None


def rate(db: Session, case: Case, score: int, channel: str, *, window_id: int | None = None,
         device_id: int | None = None, pad_seq: int | None = None) -> CaseRating:
    if not completed(db, case):
        raise ApiError(409, "case_not_completed", "代办件办结后才能评价")
    if db.scalar(select(CaseRating.id).where(CaseRating.case_id == case.id)) is not None:
        raise already_rated()
    rating = CaseRating(case_id=case.id, hall_id=case.hall_id, helper_id=case.helper_id, score=score,
                        channel=channel, window_id=window_id, device_id=device_id, pad_seq=pad_seq,
                        rated_at=utcnow())
    db.add(rating)
    db.flush()
    cases.changed(db, case, "rating", score=score)
    if needs_follow_up(score):
        follow = FollowUp(hall_id=case.hall_id, case_rating_id=rating.id, helper_id=case.helper_id,
                          status="open", opened_at=utcnow(), note="")
        db.add(follow)
        db.flush()
        events.record(db, case.hall_id, FollowUpOpened(follow_up_id=follow.id, case_id=case.id, number=case.number,
                                                       score=score))
    return rating


def rate_on_page(db: Session, case: Case, score: int) -> CaseRating:
    rating = rate(db, case, score, "web")
    cases.citizen_audit(db, case, "case.rate", score=score)
    return rating


# Whether a case waits for a window's pad: asked before every press, so on PostgreSQL it goes, as
# the fast paths do, in one round trip of its own; a stale or used invite answers no.
_INVITED = (select(CaseRatingInvite.case_id).join(Window, Window.id == CaseRatingInvite.window_id).where(
    Window.hall_id == bindparam("hall_id"), Window.number == bindparam("window"),
    or_(CaseRatingInvite.pad_seq == bindparam("pad_seq"),
        and_(CaseRatingInvite.pad_seq.is_(None), CaseRatingInvite.at >= bindparam("since")))))
_INVITED_PG = str(_INVITED.compile(dialect=pg_psycopg.dialect()))


async def pad_invited(database: Database, hall_id: int, window: int, req, within_s: int) -> bool:
    pressed = pressed_moment(req, refuse=False) or utcnow()
    params = {"hall_id": hall_id, "window": window, "pad_seq": req.pad_seq,
              "since": pressed - timedelta(seconds=within_s)}
    if database.is_postgres:
        return bool(await database.call(_INVITED_PG, params, writes_events=False))
    return await database.read_on_loop(lambda db: db.execute(_INVITED, params).first() is not None)


def from_pad(db: Session, who: Caller, window: int, req, within_s: int) -> tuple[Rating, bool] | None:
    """The press rates the case completed at this window if it is the window's next press after
    the completion: within ``within_s`` of it, and no service finished there since. None: the
    press is a service's, for the usual path. A press resent (same ``pad_seq``) is the rating
    it made the first time."""
    window_id = db.scalar(select(Window.id).where(Window.hall_id == who.hall_id, Window.number == window))
    invite = db.get(CaseRatingInvite, window_id, with_for_update=True) if window_id else None
    if invite is None:
        return None
    if invite.pad_seq is not None:
        if invite.pad_seq != req.pad_seq:
            return None
        return rating_out(db.scalar(select(CaseRating).where(CaseRating.case_id == invite.case_id))), False
    pressed = pressed_moment(req)
    if not (pressed - timedelta(seconds=within_s) <= invite.at <= pressed + CLOCK_SKEW):
        return None
    served_since = db.scalar(select(Service.id).where(Service.window_id == window_id, Service.finished_at > invite.at,
                                                      Service.finished_at <= pressed + CLOCK_SKEW).limit(1))
    if served_since is not None:
        return None
    case = db.scalar(select(Case).where(Case.id == invite.case_id).with_for_update())
    rating = rate(db, case, req.score, "pad", window_id=window_id, device_id=who.device.id, pad_seq=req.pad_seq)
    invite.pad_seq = req.pad_seq
    audit(db, who, "case.rate", case.ticket_id, case_id=case.id, score=req.score, pad_seq=req.pad_seq)
    return rating_out(rating), True
