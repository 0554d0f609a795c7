"""回访整改: follow-ups opened by bad ratings, open and closed, with a form to close one.
Listing and closing are ``routes.ratings``' own functions, so the API's rules hold here too."""
from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.case_states import PROBLEM_STATUSES
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.domain.working_days import Calendar
from kiosk.server.errors import ApiError
from kiosk.server.models import Case, CaseProblem, CaseRating, FollowUp, Helper, Service, Ticket
from kiosk.server.routes import ratings
from kiosk.server.schemas import FollowUpClose
from kiosk.server.supervisor.layout import Html, csrf_field, esc, join, notice, table, when
from kiosk.server.tickets import mask_phone, window_number
from kiosk.server.timeutil import iso, local_day, utcnow

CLOSED_SHOWN = 100


def gather(db: Session, hall_id: int, calendar: Calendar) -> dict:
    pairs = ratings.follow_ups(db, hall_id)
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
    ratings.close_follow_up_record(db, who.caller, follow_up_id, checked.note)


def _open_item(v: dict, who, error: tuple[int, str] | None) -> Html:
    problem = notice(error[1], "error") if error and error[0] == v["id"] else ""
    return Html(
        f'<article class="follow-up" id="f{v["id"]}"><h3>第 {v["id"]} 号回访 · <span class="bad">{esc(v["score"])}</span>'
        f'<small>已开 {v["days_open"]} 个工作日</small></h3>'
        f'<dl><dt>号码</dt><dd>{esc(v["number"])}（{esc(v["place"])}）</dd>'
        f'<dt>责任人</dt><dd>{esc(v["helper"])}</dd><dt>评价时间</dt><dd>{esc(when(v["rated_at"]))}</dd>'
        f'<dt>联系电话</dt><dd>{esc(v["phone"])}</dd><dt>工作日志</dt><dd>{esc(v["log"] or "（未填写）")}</dd></dl>'
        f'{problem}<form method="post" action="/supervisor/follow-ups/{v["id"]}/close">{csrf_field(who)}'
        f'<label for="note{v["id"]}">回访核实与整改情况</label>'
        f'<textarea id="note{v["id"]}" name="note" rows="3" maxlength="5000" required '
        f'placeholder="例如：已电话回访，核实情况属实，已当场整改并向群众反馈"></textarea>'
        f'<button type="submit">关闭此回访</button></form></article>')


def render(data: dict, who, *, done: int | None = None, error: tuple[int, str] | None = None) -> Html:
    top = notice(f"第 {done} 号回访已关闭。", "ok") if done else ""
    if error and not any(v["id"] == error[0] for v in data["open"]):
        top += notice(error[1], "error")
    items = join(_open_item(v, who, error) for v in data["open"]) or Html('<p class="empty">没有待处理的回访</p>')
    closed = table(["编号", "评价", "号码", "窗口", "责任人", "评价时间", "关闭时间", "关闭人", "回访整改情况"], [
        [v["id"], v["score"], v["number"], v["window"], v["helper"], when(v["rated_at"]), when(v["closed_at"]),
         v["closed_by"] or "—", Html(f'<span class="log">{esc(v["note"])}</span>')] for v in data["closed"]],
        empty="还没有关闭的回访")
    return Html(
        f'{top}<p class="hint">“不满意”及以下的评价都要回访核实、整改并向群众反馈，由协调员或首席帮办代办员关闭。</p>'
        f'<section><h2>待处理 <span class="count">{len(data["open"])} 件</span></h2>'
        f'<div class="follow-ups">{items}</div></section>'
        f'<section><h2>已关闭（最近 {CLOSED_SHOWN} 件）</h2>{closed}</section>')
