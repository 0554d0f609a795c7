"""Proxy cases on the database: the pure ``case_states`` decides, this module records."""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from kiosk.domain import case_states, identity
from kiosk.domain.working_days import Calendar
from kiosk.server import events
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import (
    AuditEntry, Case, CaseDelivery, CaseItem, CaseProblem, CaseProblemUpdate, CaseRating, CaseRatingInvite,
    CaseReferral, CaseSignature, CaseStep, Hall, Helper, Matter, Ticket,
)
from kiosk.domain.identity import mask_phone
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire.events import CaseChanged

DUE_SOON_WORKING_DAYS = 2
_NUMBERING_LOCK = 0x63617365  # "case": orders acceptance numbers within a hall


def _checked_identity(kind: str, number: str) -> str:
    try:
        if kind == "person":
            return identity.check_resident_id(number)
        return identity.check_credit_code(number)
    except identity.IdentityError as exc:
        raise ApiError(422, "invalid_identity", exc.message) from None


def _checked_phone(phone: str) -> str:
    try:
        return identity.check_mobile(phone)
    except identity.IdentityError as exc:
        raise ApiError(422, "invalid_phone", exc.message) from None


def new_public_token() -> str:
    return secrets.token_urlsafe(24)


def new_public_code() -> str:
    """The 6-digit 查询码 printed on the 受理单 (not in its QR code): the page is open to whoever
    has the link, rating and downloading need the code too."""
    return f"{secrets.randbelow(10**6):06d}"


def working_hall(case: Case) -> int:
    """The hall that works the case: its own, or the one a referral handed it to."""
    return case.handling_hall_id or case.hall_id


def changed(db: Session, case: Case, change: str, **data) -> None:
    """Tell both halls that follow the case (its own and the one working it) that it changed."""
    for hall_id in {case.hall_id, working_hall(case)}:
        events.record(db, hall_id, CaseChanged(case_id=case.id, state=case.state, number=case.number,
                                               change=change, **data))


def citizen_audit(db: Session, case: Case, action: str, **detail) -> None:
    """An audit entry for what the applicant did on the case's public page (no device, no helper)."""
    db.add(AuditEntry(hall_id=case.hall_id, at=utcnow(), action=action, ticket_id=case.ticket_id,
                      detail={"case_id": case.id, **detail}))


def record_step(db: Session, case: Case, action: str, before: str | None, *, helper_id: int | None,
                device_id: int | None, reason: str | None = None, note: str = "") -> CaseStep:
    step = CaseStep(case_id=case.id, at=utcnow(), action=action, from_state=before, to_state=case.state,
                    helper_id=helper_id, device_id=device_id, reason=reason, note=note)
    db.add(step)
    db.flush()
    changed(db, case, action)
    return step


def staff_step(db: Session, caller: Caller, case: Case, action: str, before: str | None,
               reason: str | None = None, note: str = "") -> CaseStep:
    step = record_step(db, case, action, before, helper_id=caller.helper.id if caller.helper else None,
                       device_id=caller.device.id, reason=reason, note=note)
    audit(db, caller, f"case.{action}", case.ticket_id, case_id=case.id, state=case.state)
    return step


def open_case(db: Session, caller: Caller, req) -> Case:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "代办件须由帮办代办员登记")
    matter = db.get(Matter, req.matter_id)
    if matter is None or matter.hall_id != caller.hall_id:
        raise not_found("事项")
    if not matter.proxy_allowed:
        raise ApiError(422, "proxy_not_offered", f"“{matter.name}”不在代办事项清单内")
    if req.ticket_id is not None:
        ticket = db.get(Ticket, req.ticket_id)
        if ticket is None or ticket.hall_id != caller.hall_id:
            raise not_found("号码")
    case = Case(hall_id=caller.hall_id, ticket_id=req.ticket_id, matter_id=matter.id,
                helper_id=caller.helper.id, applicant=req.applicant.strip(),
                applicant_kind=req.applicant_kind, id_number=_checked_identity(req.applicant_kind, req.id_number),
                phone=_checked_phone(req.phone), delivery=req.delivery, state="entrusted",
                entrusted_at=utcnow(), public_token=new_public_token(), public_code=new_public_code(),
                code_failures=0)
    db.add(case)
    db.flush()
    staff_step(db, caller, case, "entrust", None, note="签订代办服务委托书")
    return case


def _acceptance_number(db: Session, hall_id: int, day: date) -> str:
    """DB-20261123-003: the hall's acceptance slips of the day, in order."""
    prefix = f"DB-{day:%Y%m%d}-"
    if db.get_bind().dialect.name == "postgresql":
        # two acceptances at once would both count N and both take N+1; SQLite writes one at a time
        db.execute(text("SELECT pg_advisory_xact_lock(:k, :hall)"), {"k": _NUMBERING_LOCK, "hall": hall_id})
    taken = db.scalar(select(func.count()).select_from(Case).where(
        Case.hall_id == hall_id, Case.number.like(prefix + "%"))) or 0
    return f"{prefix}{taken + 1:03d}"


def case_for_update(db: Session, caller: Caller, case_id: int) -> Case:
    """A case the caller's hall works, locked for the change. The first hall still reads a case it
    referred (首问负责), but the hall that accepted it takes its steps."""
    case = db.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None or caller.hall_id not in (case.hall_id, case.handling_hall_id):
        raise not_found("代办件")
    if working_hall(case) != caller.hall_id:
        hall = db.get(Hall, working_hall(case))
        raise ApiError(409, "case_referred", f"该代办件已转由{hall.name}办理，本厅只能查看进度")
    return case


def readable_case(db: Session, hall_id: int, case_id: int) -> Case:
    case = db.get(Case, case_id)
    if case is None or hall_id not in (case.hall_id, case.handling_hall_id):
        raise not_found("代办件")
    return case


def take_step(db: Session, caller: Caller, case_id: int, req, calendar: Calendar) -> Case:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "代办件须由帮办代办员办理")
    if not case_states.may_take(req.action, caller.helper.role):
        raise ApiError(403, "forbidden", f"{case_states.ACTION_NAMES[req.action]}须由协调员或首席帮办代办员审核")
    case = case_for_update(db, caller, case_id)
    today = local_day(utcnow())
    step = case_states.Step(req.action, req.reason, req.resume_by)
    try:
        target = case_states.next_state(case.state, step, today)
    except case_states.IllegalCaseStep as exc:
        raise ApiError(409, "illegal_case_step", exc.message) from None
    before, case.state = case.state, target
    if req.action == "accept":
        matter = db.get(Matter, case.matter_id)
        case.accepted_at = utcnow()
        case.number = _acceptance_number(db, case.hall_id, today)
        case.deadline = calendar.add_working_days(today, matter.time_limit_days)
    elif req.action == "suspend":
        case.resume_by, case.reason = req.resume_by, req.reason
    elif req.action == "resume":
        case.resume_by = None
        case.deadline = case_states.resumed_deadline(case.deadline, _suspended_on(db, case), today, calendar)
    elif req.action in ("complete", "terminate"):
        case.closed_at, case.reason = utcnow(), req.reason
    staff_step(db, caller, case, req.action, before, req.reason, req.note)
    if req.action == "complete" and caller.window is not None:
        _invite_rating(db, caller.window.id, case.id)
    return case


def _invite_rating(db: Session, window_id: int, case_id: int) -> None:
    """The window's next pad press rates this case (事项办结后评价)."""
    invite = db.get(CaseRatingInvite, window_id, with_for_update=True)
    if invite is None:
        db.add(CaseRatingInvite(window_id=window_id, case_id=case_id, at=utcnow()))
    else:
        invite.case_id, invite.at, invite.pad_seq = case_id, utcnow(), None


def _suspended_on(db: Session, case: Case) -> date:
    at = db.scalar(select(CaseStep.at).where(CaseStep.case_id == case.id, CaseStep.action == "suspend")
                   .order_by(CaseStep.id.desc()).limit(1))
    return local_day(at)


def expire_suspensions(db: Session, hall_id: int) -> int:
    """Suspensions past their resumption deadline become terminations (续办逾期视为终止)."""
    today = local_day(utcnow())
    lapsed = db.scalars(select(Case).where(or_(Case.hall_id == hall_id, Case.handling_hall_id == hall_id),
                                           Case.state == "suspended",
                                           Case.resume_by < today).with_for_update()).all()
    for case in lapsed:
        case.state, case.closed_at = "terminated", utcnow()
        record_step(db, case, "expire", "suspended", helper_id=None, device_id=None, reason=case.reason,
                    note="超过续办期限，视为终止")
    return len(lapsed)


def add_item(db: Session, caller: Caller, case_id: int, req) -> CaseItem:
    if caller.helper is None:
        raise ApiError(403, "forbidden", "移交清单须由帮办代办员登记")
    case = case_for_update(db, caller, case_id)
    if case.state == "archived":
        raise ApiError(409, "case_archived", "代办件已归档，不能再登记材料")
    item = CaseItem(case_id=case.id, direction=req.direction, name=req.name.strip(), copies=req.copies,
                    original=req.original, at=utcnow(), helper_id=caller.helper.id)
    db.add(item)
    db.flush()
    audit(db, caller, "case.item", case.ticket_id, case_id=case.id, direction=req.direction, name=item.name)
    changed(db, case, "item")
    return item


def raise_problem(db: Session, caller: Caller, case_id: int, req) -> CaseProblem:
    """A problem met on the case (seed 002: 代办员应对代办过程中出现的问题进行记录)."""
    if caller.helper is None:
        raise ApiError(403, "forbidden", "问题记录须由帮办代办员登记")
    case = case_for_update(db, caller, case_id)
    if case.state == "archived":
        raise ApiError(409, "case_archived", "代办件已归档，不能再登记问题")
    now = utcnow()
    problem = CaseProblem(case_id=case.id, summary=req.summary.strip(), status="open", handling="",
                          raised_at=now, raised_by=caller.helper.id, updated_at=now)
    db.add(problem)
    db.flush()
    db.add(CaseProblemUpdate(problem_id=problem.id, at=now, status="open", handling="", helper_id=caller.helper.id))
    audit(db, caller, "case.problem", case.ticket_id, case_id=case.id, problem_id=problem.id)
    changed(db, case, "problem", problem_id=problem.id, problem_status="open")
    return problem


def update_problem(db: Session, caller: Caller, case_id: int, problem_id: int, req) -> CaseProblem:
    """随时更新解决状态和处理结果: each update is kept, the problem shows the latest."""
    if caller.helper is None:
        raise ApiError(403, "forbidden", "问题记录须由帮办代办员更新")
    case = case_for_update(db, caller, case_id)
    problem = db.get(CaseProblem, problem_id, with_for_update=True)
    if problem is None or problem.case_id != case.id:
        raise not_found("问题记录")
    if case.state == "archived":
        raise ApiError(409, "case_archived", "代办件已归档，问题记录不能再修改")
    now = utcnow()
    problem.status, problem.handling, problem.updated_at = req.status, req.handling.strip(), now
    db.add(CaseProblemUpdate(problem_id=problem.id, at=now, status=req.status, handling=problem.handling,
                             helper_id=caller.helper.id))
    audit(db, caller, "case.problem_update", case.ticket_id, case_id=case.id, problem_id=problem.id,
          status=req.status)
    changed(db, case, "problem", problem_id=problem.id, problem_status=req.status)
    return problem


def problem_out(db: Session, p: CaseProblem) -> dict:
    updates = db.scalars(select(CaseProblemUpdate).where(CaseProblemUpdate.problem_id == p.id)
                         .order_by(CaseProblemUpdate.id))
    return {"id": p.id, "summary": p.summary, "status": p.status,
            "status_name": case_states.PROBLEM_STATUSES[p.status], "handling": p.handling,
            "raised_at": iso(p.raised_at), "raised_by": p.raised_by, "updated_at": iso(p.updated_at),
            "updates": [{"at": iso(u.at), "status": u.status, "status_name": case_states.PROBLEM_STATUSES[u.status],
                         "handling": u.handling, "helper_id": u.helper_id} for u in updates]}


def unsigned_forms(db: Session, case: Case) -> list[dict]:
    """The forms whose step was taken but whose signed page was not recorded."""
    signed = set(db.scalars(select(CaseSignature.step_id).where(CaseSignature.case_id == case.id)))
    steps = db.scalars(select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.id))
    owed = []
    for step in steps:
        form = next((f for f, actions in case_states.FORM_STEPS.items() if step.action in actions), None)
        if form and step.id not in signed:
            owed.append({"form": form, "form_name": case_states.SIGNED_FORMS[form], "step_id": step.id})
    return owed


def _hall_code(db: Session, hall_id: int | None) -> dict | None:
    hall = db.get(Hall, hall_id) if hall_id else None
    return {"code": hall.code, "name": hall.name} if hall else None


def due_status(case: Case, calendar: Calendar, today: date) -> str | None:
    # a suspension stops the clock: resuming moves the deadline on by the days it took
    if case.deadline is None or case.state not in case_states.OPEN or case.state == "suspended":
        return None
    left = calendar.working_days_between(today, case.deadline)
    if left < 0:
        return "overdue"
    return "due_soon" if left <= DUE_SOON_WORKING_DAYS else "on_time"


def list_cases(db: Session, hall_id: int, calendar: Calendar, *, state: str | None = None,
               due: str | None = None, ticket_id: int | None = None, helper_id: int | None = None,
               active: bool = False, limit: int = 500) -> list[Case]:
    """A hall's cases (its own and those referred to it), newest first; ``due`` ("overdue" or
    "due_soon") keeps the open cases with a deadline that are in that state today, so the limit
    never hides a late case behind newer ones; ``active``: not archived yet; ``helper_id``: the
    cases that helper is in charge of."""
    query = select(Case).where(or_(Case.hall_id == hall_id, Case.handling_hall_id == hall_id))
    if active:
        query = query.where(Case.state != "archived")
    if helper_id:
        query = query.where(Case.helper_id == helper_id)
    if state:
        query = query.where(Case.state == state)
    if ticket_id:
        query = query.where(Case.ticket_id == ticket_id)
    if due:
        query = query.where(Case.state.in_(case_states.OPEN), Case.deadline.is_not(None))
    found = db.scalars(query.order_by(Case.id.desc()).limit(limit)).all()
    if due:
        today = local_day(utcnow())
        found = [c for c in found if due_status(c, calendar, today) == due]
    return found


def case_view(db: Session, bb, who: Caller, case: Case) -> dict:
    """A case as its caller may see it (in full for its own helper and supervisors), with its public
    page; ``bb`` is the server's state (its calendar and public address)."""
    out = case_out(db, case, bb.calendar, full=who.is_supervisor or (who.helper is not None
                                                                    and who.helper.id == case.helper_id))
    out["status_url"] = status_url(bb.settings.public_url, case)
    return out


def status_url(public_url: str, case: Case) -> str:
    """The case's public page (/c/TOKEN), for the 受理单's QR code."""
    return f"{public_url}/c/{case.public_token}"


def case_out(db: Session, case: Case, calendar: Calendar, *, full: bool) -> dict:
    """``full``: the helper in charge and supervisors see ID and phone; lists show them masked."""
    helper = db.get(Helper, case.helper_id)
    matter = db.get(Matter, case.matter_id)
    out = {
        "id": case.id, "number": case.number, "state": case.state,
        "state_name": case_states.STATE_NAMES[case.state], "matter_id": case.matter_id,
        "matter": matter.name, "applicant": case.applicant, "applicant_kind": case.applicant_kind,
        "id_number": case.id_number if full else identity.mask_id(case.id_number),
        "phone": case.phone if full else mask_phone(case.phone),
        "delivery": case.delivery, "helper": {"code": helper.code, "name": helper.name},
        "ticket_id": case.ticket_id, "entrusted_at": iso(case.entrusted_at), "accepted_at": iso(case.accepted_at),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "resume_by": case.resume_by.isoformat() if case.resume_by else None,
        "reason": case.reason, "reason_name": case_states.REASONS.get(case.reason or ""),
        "closed_at": iso(case.closed_at), "due": due_status(case, calendar, local_day(utcnow())),
        "public_token": case.public_token, "hall": _hall_code(db, case.hall_id),
        "handling_hall": _hall_code(db, case.handling_hall_id),
    }
    if full:
        out["steps"] = [{"id": s.id, "at": iso(s.at), "action": s.action, "from": s.from_state, "to": s.to_state,
                         "helper_id": s.helper_id, "reason": s.reason, "note": s.note}
                        for s in db.scalars(select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.id))]
        out["items"] = [{"direction": i.direction, "name": i.name, "copies": i.copies, "original": i.original,
                         "at": iso(i.at)}
                        for i in db.scalars(select(CaseItem).where(CaseItem.case_id == case.id).order_by(CaseItem.id))]
        out["public_code"] = case.public_code
        out["signatures"] = [
            {"form": g.form, "form_name": case_states.SIGNED_FORMS[g.form], "step_id": g.step_id,
             "document_id": g.document_id, "signed_at": iso(g.signed_at)}
            for g in db.scalars(select(CaseSignature).where(CaseSignature.case_id == case.id)
                                .order_by(CaseSignature.id))]
        out["unsigned"] = unsigned_forms(db, case)
        out["problems"] = [problem_out(db, p) for p in db.scalars(
            select(CaseProblem).where(CaseProblem.case_id == case.id).order_by(CaseProblem.id))]
        out["delivery_record"] = delivery_out(db.get(CaseDelivery, case.id))
        rating = db.scalar(select(CaseRating).where(CaseRating.case_id == case.id))
        out["rating"] = None if rating is None else {"score": rating.score, "channel": rating.channel,
                                                     "rated_at": iso(rating.rated_at)}
        out["referrals"] = [referral_out(db, r) for r in db.scalars(
            select(CaseReferral).where(CaseReferral.case_id == case.id).order_by(CaseReferral.id))]
    return out


def delivery_out(d: CaseDelivery | None) -> dict | None:
    if d is None:
        return None
    return {"method": d.method, "method_name": case_states.DELIVERY_NAMES[d.method], "carrier": d.carrier,
            "tracking_number": d.tracking_number, "document_id": d.document_id, "sent_at": iso(d.sent_at),
            "received_at": iso(d.received_at), "received_by": d.received_by}


def referral_out(db: Session, r: CaseReferral) -> dict:
    helper = db.get(Helper, r.helper_id)
    return {"id": r.id, "case_id": r.case_id, "from_hall": _hall_code(db, r.from_hall_id),
            "to_hall": _hall_code(db, r.to_hall_id), "helper": {"code": helper.code, "name": helper.name},
            "note": r.note, "status": r.status, "created_at": iso(r.created_at),
            "answered_at": iso(r.answered_at), "answer": r.answer}
