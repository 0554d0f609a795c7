"""大厅概况: the hall right now. Who staffs each window and whom they serve, each line's
length and longest wait, and the day's counts. The page refreshes its live part every few seconds."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES
from kiosk.domain.ratings import is_satisfied
from kiosk.domain.ticket_states import STATUS_NAMES
from kiosk.server import cases as case_ops
from kiosk.server.deps import ServerState
from kiosk.server.models import FollowUp, Rating, Ticket, Window
from kiosk.server.routes import hall as hall_routes
from kiosk.server.supervisor.layout import Html, esc, join, stat, table, waited
from kiosk.server.supervisor.sessions import Supervisor
from kiosk.server.supervisor.signin import ROLE_NAMES
from kiosk.server.timeutil import iso, local_day, utc_bounds, utcnow

REFRESH_S = 5
LONG_WAIT_S = 30 * 60  # a line waiting this long is marked


def gather(bb: ServerState, who: Supervisor) -> dict:
    """The windows and lines as the terminals' own API gives them, and today's counts."""
    windows = hall_routes.list_windows(who=who.caller, bb=bb)
    lines = hall_routes.waiting_per_queue(who=who.caller, bb=bb)
    faults = [d for d in hall_routes.list_health(who=who.caller, bb=bb) if not d["ok"]]
    hall_id, now = who.caller.hall_id, utcnow()
    today = local_day(now)
    low, high = utc_bounds(today, today)
    with bb.db.read() as db:
        held = {number: ticket for number, ticket in db.execute(
            select(Window.number, Ticket).join(Window, Window.id == Ticket.window_id)
            .where(Ticket.hall_id == hall_id, Ticket.day == today, Ticket.status.in_(("called", "serving"))))}
        statuses = dict(db.execute(select(Ticket.status, func.count()).where(
            Ticket.hall_id == hall_id, Ticket.day == today).group_by(Ticket.status)).all())
        scores = dict(db.execute(select(Rating.score, func.count()).where(
            Rating.hall_id == hall_id, Rating.rated_at >= low, Rating.rated_at < high)
            .group_by(Rating.score)).all())
        open_follow_ups = db.scalar(select(func.count()).select_from(FollowUp).where(
            FollowUp.hall_id == hall_id, FollowUp.status == "open")) or 0
        overdue = len(case_ops.list_cases(db, hall_id, bb.calendar, due="overdue"))
        due_soon = len(case_ops.list_cases(db, hall_id, bb.calendar, due="due_soon"))
    return {"windows": windows, "lines": lines, "faults": faults, "held": held, "now": now,
            "statuses": statuses, "scores": scores, "open_follow_ups": open_follow_ups,
            "overdue": overdue, "due_soon": due_soon}


def _counts(data: dict) -> Html:
    s, scores = data["statuses"], data["scores"]
    rated = sum(scores.values())
    liked = sum(n for score, n in scores.items() if is_satisfied(score))
    bad = sum(n for score, n in scores.items() if score <= 2)
    return Html('<section class="stats" aria-label="今日数字">' + join([
        stat("今日取号", sum(s.values())),
        stat("正在等候", s.get("waiting", 0)),
        stat("窗口办理中", s.get("called", 0) + s.get("serving", 0)),
        stat("已办结", s.get("finished", 0)),
        stat("过号", s.get("no_show", 0)),
        stat("今日评价", rated, f"满意 {liked}，差评 {bad}" if rated else "尚无评价"),
        stat("待回访整改", data["open_follow_ups"], cls="alert" if data["open_follow_ups"] else ""),
        stat("逾期代办件", data["overdue"], f"即将到期 {data['due_soon']}", cls="alert" if data["overdue"] else ""),
    ]) + "</section>")


def _window_card(w: dict, ticket: Ticket | None, now: datetime) -> Html:
    helper = w["helper"]
    staff = (f'<p class="staff">{esc(helper["name"])}<small>{esc(ROLE_NAMES.get(helper["role"], ""))}</small></p>'
             if helper else '<p class="staff idle">暂无人员在岗</p>')
    if ticket is not None:
        since = int((now - (ticket.called_at or now)).total_seconds())
        group = PRIORITY_GROUP_NAMES.get(ticket.priority_group or "")
        serving = (f'<p class="serving"><span class="number">{esc(ticket.number)}</span>'
                   f'<span>{esc(STATUS_NAMES[ticket.status])}，已 {esc(waited(since))}</span>'
                   + (f'<span class="tag">{esc(group)}</span>' if group else "") + "</p>")
    elif helper:
        serving = '<p class="serving none">当前没有办理中的号码</p>'
    else:
        serving = ""  # a closed window: "nobody here" says it all
    cls = "window" + ("" if helper else " closed")
    return Html(f'<article class="{cls}"><h3><span class="winno">{w["number"]}</span> 号窗口'
                f'<small>{esc(w["name"])} · {esc(w["area"] or "")}</small></h3>{staff}{serving}</article>')


def live(data: dict) -> Html:
    """The part that refreshes: counts, lines, windows, device faults."""
    lines = table(["队列", "等候人数", "最长等候"], [
        [f'{q["prefix"]} {q["name"]}', q["waiting"],
         Html(f'<span class="late">{esc(waited(q["longest_wait_s"]))}（超过 30 分钟）</span>')
         if q["longest_wait_s"] >= LONG_WAIT_S else (waited(q["longest_wait_s"]) if q["waiting"] else "—")]
        for q in data["lines"]], cls="lines")
    cards = join(_window_card(w, data["held"].get(w["number"]), data["now"]) for w in data["windows"])
    faults = ""
    if data["faults"]:
        faults = Html('<section><h2>设备故障</h2>' + table(["设备", "窗口", "部件", "说明", "报告时间"], [
            [d["device"], d["window"] or "—", d["component"], d["message"], d["at"][11:16]]
            for d in data["faults"]]) + "</section>")
    stamp = iso(data["now"])[11:19]
    return Html(f'{_counts(data)}<div class="columns"><section class="windows"><h2>窗口</h2>'
                f'<div class="window-grid">{cards}</div></section>'
                f'<section class="queues"><h2>各队列等候</h2>{lines}</section></div>{faults}'
                f'<p class="updated">更新于 <time>{esc(stamp)}</time>，每 {REFRESH_S} 秒自动刷新</p>')


def body(data: dict) -> Html:
    return Html(f'<div id="live" data-refresh="{REFRESH_S}" data-src="/supervisor/overview/live">'
                f'{live(data)}</div><p id="live-status" class="notice error" hidden role="alert"></p>')
