"""Home visits (上门服务, seeds 000, 001, 003): a request recorded by a helper, scheduled by a
coordinator with one or more helpers (a joint visit may take helpers of other halls), reported
after the visit with the pages photographed there, and linked to a proxy case if the matter
goes on. Every change is audited."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import booking_rules as rules
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Case, Hall, Helper, HomeVisit, HomeVisitHelper, HomeVisitPage, Matter
from kiosk.server.audit_trail import audit
from kiosk.domain.identity import mask_phone
from kiosk.server.stored_files import new_name
from kiosk.server.timeutil import iso, utcnow


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def record(db: Session, who: Caller, req, request_key: str | None, now: datetime) -> tuple[HomeVisit, bool]:
    if request_key is not None:
        done = db.scalar(select(HomeVisit).where(HomeVisit.request_key == request_key))
        if done is not None:
            return done, True
    known = set(db.scalars(select(Matter.id).where(Matter.hall_id == who.hall_id, Matter.id.in_(req.matter_ids))))
    if known != set(req.matter_ids):
        raise not_found("事项")
    visit = HomeVisit(hall_id=who.hall_id, citizen=req.citizen.strip(), phone=req.phone, address=req.address.strip(),
                      reason=req.reason, matter_ids=list(dict.fromkeys(req.matter_ids)),
                      proposed_at=_naive_utc(req.proposed_at), state="requested", note=req.note, report="",
                      request_key=request_key, recorded_by=who.helper.id, created_at=now)
    db.add(visit)
    db.flush()
    audit(db, who, "home_visit.record", visit_id=visit.id, reason=req.reason)
    return visit, False


def assigned(db: Session, visit: HomeVisit) -> list[int]:
    return list(db.scalars(select(HomeVisitHelper.helper_id).where(HomeVisitHelper.visit_id == visit.id)))


def for_caller(db: Session, who: Caller, visit_id: int, *, lock: bool = False) -> HomeVisit:
    """A visit the caller may see: its hall's staff, or a helper assigned to it from elsewhere."""
    query = select(HomeVisit).where(HomeVisit.id == visit_id)
    visit = db.scalar(query.with_for_update() if lock else query)
    mine = who.helper is not None and visit is not None and who.helper.id in assigned(db, visit)
    if visit is None or (visit.hall_id != who.hall_id and not mine):
        raise not_found("上门服务")
    return visit


def schedule(db: Session, who: Caller, visit: HomeVisit, helper_ids: list[int], at: datetime) -> HomeVisit:
    if not who.is_supervisor or visit.hall_id != who.hall_id:
        raise ApiError(403, "forbidden", "只有本大厅的协调员和首席帮办代办员可以安排上门服务")
    if visit.state not in ("requested", "scheduled"):
        raise ApiError(409, "visit_closed", f"该上门服务已{rules.VISIT_STATES[visit.state]}，不能再安排")
    helpers = set(db.scalars(select(Helper.id).where(Helper.id.in_(helper_ids))))
    if helpers != set(helper_ids):
        raise not_found("帮办代办员")
    for old in db.scalars(select(HomeVisitHelper).where(HomeVisitHelper.visit_id == visit.id)):
        db.delete(old)
    db.flush()
    for helper_id in dict.fromkeys(helper_ids):
        db.add(HomeVisitHelper(visit_id=visit.id, helper_id=helper_id))
    visit.scheduled_at, visit.state = _naive_utc(at), "scheduled"
    audit(db, who, "home_visit.schedule", visit_id=visit.id, helpers=sorted(helpers), at=iso(visit.scheduled_at))
    return visit


def report(db: Session, who: Caller, visit: HomeVisit, text: str, case_id: int | None, now: datetime) -> HomeVisit:
    if who.helper is None or who.helper.id not in assigned(db, visit):
        raise ApiError(403, "forbidden", "只有安排上门的帮办代办员可以登记办理情况")
    if visit.state != "scheduled":
        raise ApiError(409, "visit_not_scheduled", f"该上门服务{rules.VISIT_STATES[visit.state]}，不能登记办理情况")
    if case_id is not None:
        case = db.get(Case, case_id)
        if case is None or case.hall_id not in (visit.hall_id, who.hall_id):
            raise not_found("代办件")
        visit.case_id = case_id
    visit.report, visit.state, visit.done_at = text, "done", now
    audit(db, who, "home_visit.report", visit_id=visit.id, case_id=case_id)
    return visit


def visit_out(db: Session, v: HomeVisit, now: datetime, *, staff: bool) -> dict:
    helpers = db.execute(select(Helper.id, Helper.name, Hall.name).join(HomeVisitHelper, HomeVisitHelper.helper_id == Helper.id)
                         .join(Hall, Hall.id == Helper.hall_id).where(HomeVisitHelper.visit_id == v.id)).all()
    names = dict(db.execute(select(Matter.id, Matter.name).where(Matter.id.in_(v.matter_ids))).all())
    pages = len(db.scalars(select(HomeVisitPage.id).where(HomeVisitPage.visit_id == v.id)).all())
    return dict(id=v.id, citizen=v.citizen, phone=v.phone if staff else mask_phone(v.phone), address=v.address,
                reason=v.reason, reason_name=rules.VISIT_REASONS[v.reason], matter_ids=v.matter_ids,
                matters=[names.get(m, "") for m in v.matter_ids], proposed_at=iso(v.proposed_at),
                scheduled_at=iso(v.scheduled_at), state=v.state, state_name=rules.VISIT_STATES[v.state],
                overdue=rules.visit_overdue(v.state, v.scheduled_at or v.proposed_at, now),
                helpers=[{"id": i, "name": n, "hall": h} for i, n, h in helpers], note=v.note, report=v.report,
                pages=pages, case_id=v.case_id)


def listing(db: Session, who: Caller, *, mine: bool, open_only: bool) -> list[HomeVisit]:
    query = select(HomeVisit)
    if mine:
        query = query.join(HomeVisitHelper, HomeVisitHelper.visit_id == HomeVisit.id).where(
            HomeVisitHelper.helper_id == (who.helper.id if who.helper else -1))
    else:
        query = query.where(HomeVisit.hall_id == who.hall_id)
    if open_only:
        query = query.where(HomeVisit.state.in_(("requested", "scheduled")))
    return db.scalars(query.order_by(HomeVisit.proposed_at, HomeVisit.id)).all()


def add_page(db: Session, who: Caller, visit_id: int, kind: str, data: bytes, key: str | None,
             write: Callable[[str, bytes], None]) -> tuple[HomeVisitPage, int]:
    """A page photographed at the visit (any camera's JPEG or PNG, or a PDF), by a helper assigned to it;
    ``write`` keeps the file (``stored_files.removed_unless_recorded``). A repeated ``key`` answers the
    first upload (200) instead of keeping the page twice (201)."""
    visit = for_caller(db, who, visit_id, lock=True)
    if who.helper.id not in assigned(db, visit):
        raise ApiError(403, "forbidden", "只有安排上门的帮办代办员可以上传上门时拍摄的材料")
    if key and (done := db.scalar(select(HomeVisitPage).where(HomeVisitPage.visit_id == visit.id,
                                                               HomeVisitPage.idempotency_key == key))):
        return done, 200
    written = new_name(f"home-visits/{visit.hall_id}/{visit.id}", kind)
    write(written, data)
    count = len(db.scalars(select(HomeVisitPage.id).where(HomeVisitPage.visit_id == visit.id)).all())
    page = HomeVisitPage(visit_id=visit.id, page=count + 1, content_type=kind, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), path=written, idempotency_key=key,
                         device_id=who.device.id, helper_id=who.helper.id, uploaded_at=utcnow())
    db.add(page)
    db.flush()
    audit(db, who, "home_visit.page_add", visit_id=visit.id, page_id=page.id)
    return page, 201
