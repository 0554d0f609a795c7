"""回访整改: follow-ups opened by bad ratings, open and closed, with a form to close one.
Listing and closing are ``kiosk.server.follow_ups``, as for the API, so the API's rules hold here too."""
from __future__ import annotations

from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.case_states import PROBLEM_STATUSES
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.domain.working_days import Calendar
from kiosk.server.errors import ApiError
from kiosk.server.models import Case, CaseProblem, CaseRating, FollowUp, Helper, Service, Ticket
from kiosk.server import follow_ups
from kiosk.server.schemas import FollowUpClose
from kiosk.server.supervisor import templates
from kiosk.server.supervisor.templates import Marked, when
from kiosk.domain.identity import mask_phone
from kiosk.server.tickets import window_number
from kiosk.server.timeutil import iso, local_day, utcnow

CLOSED_SHOWN = 100


def gather(db: Session, hall_id: int, calendar: Calendar) -> dict:
    pairs = follow_ups.listed(db, hall_id)
    names = dict(db.execute(select(Helper.id, Helper.name).where(Helper.hall_id == hall_id)).all())
    services = {s.id: (s, t) for s, t in db.execute(
        select(Service, Ticket).join(Ticket, Ticket.id == Service.ticket_id)
        .where(Service.id.in_([r.service_id for _, r in pairs if r is not None])))}
    today = local_day(utcnow())

    def view(f: FollowUp, r) -> dict:
        if r is None:  # a proxy case's rating opened it
            r, case = db.execute(select(CaseRating, Case).join(Case, Case.id == CaseRating.case_id)
                                 .where(CaseRating.id == f.case_rating_id)).one()
            window = window_number(db, r.window_id) if r.window_id else "—"
            number, phone = f"代办件 {case.number or case.id}", case.phone
            place = f"{window} 号窗口评价器" if r.window_id else "代办件查询页"
            log = "；".join(f"{p.summary}（{PROBLEM_STATUSES[p.status]}）" for p in db.scalars(
                select(CaseProblem).where(CaseProblem.case_id == case.id).order_by(CaseProblem.id)))
        else:
            service, ticket = services[r.service_id]
            window, number, phone, log = window_number(db, r.window_id), ticket.number, ticket.phone, service.log
            place = f"{window} 号窗口"
        return {"id": f.id, "score": SCORE_NAMES[r.score], "window": window, "place": place,
                "number": number, "helper": names.get(f.helper_id, ""), "log": log,
                "phone": mask_phone(phone) or "未留电话", "rated_at": iso(r.rated_at),
                "opened_at": iso(f.opened_at), "closed_at": iso(f.closed_at), "note": f.note,
                "closed_by": names.get(f.closed_by, ""),
                "days_open": calendar.working_days_between(local_day(f.opened_at), today)}

    views = [view(f, r) for f, r in pairs]
    return {"open": [v for v in views if v["closed_at"] is None],
            "closed": [v for v in reversed(views) if v["closed_at"] is not None][:CLOSED_SHOWN]}


def close(db: Session, who, follow_up_id: int, note: str) -> None:
    """Close through the API's own rules; a note that the API would refuse is refused alike."""
    try:
        checked = FollowUpClose(note=note.strip())
    except ValidationError:
        raise ApiError(422, "invalid_request", "请填写回访和整改情况（不超过 5000 字）") from None
    follow_ups.close(db, who.caller, follow_up_id, checked.note)


def render(who, data: dict, *, done: int | None = None, error: tuple[int, str] | None = None) -> Markup:
    """``error``: (the follow-up's id, why it was not closed), shown beside its form."""
    closed = [[v["id"], v["score"], v["number"], v["window"], v["helper"], when(v["rated_at"]), when(v["closed_at"]),
               v["closed_by"] or "—", Marked(v["note"], "log")] for v in data["closed"]]
    return templates.render("follow_ups.html", who=who, open=data["open"], closed=closed, done=done, error=error,
                            closed_shown=CLOSED_SHOWN)
