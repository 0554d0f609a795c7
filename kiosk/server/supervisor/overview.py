"""大厅概况: the hall right now. Who staffs each window and whom they serve, each line's
length and longest wait, and the day's counts. The page refreshes its live part every few seconds."""
from __future__ import annotations

from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func, select

from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES
from kiosk.domain.ratings import is_satisfied
from kiosk.domain.ticket_states import STATUS_NAMES
from kiosk.server import cases as case_ops, hall_now, window_staffing
from kiosk.server.deps import ServerState
from kiosk.server.models import FollowUp, Rating, Ticket, Window
from kiosk.server.staff_register import area_staffing
from kiosk.server.supervisor import templates
from kiosk.server.supervisor.sessions import Supervisor
from kiosk.server.supervisor.templates import Marked, waited, when
from kiosk.server.sync import status as link_status
from kiosk.server.timeutil import iso, local_day, utc_bounds, utcnow
from kiosk.wire.answers import QueueWaiting, WindowInfo

REFRESH_S = 5
LONG_WAIT_S = 30 * 60  # a line waiting this long is marked


def gather(bb: ServerState, who: Supervisor) -> dict:
    """The windows and lines as the terminals' own API gives them, and today's counts."""
    windows = window_staffing.windows(bb, who.caller)
    hall_id, now = who.caller.hall_id, utcnow()
    today = local_day(now)
    low, high = utc_bounds(today, today)
    with bb.db.read() as db:
        lines = hall_now.queue_lines(db, hall_id)
        faults = [d for d in hall_now.device_health(db, hall_id) if not d.ok]
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
        staffing = area_staffing(db, hall_id)  # seed 000's minimums per area, against who is signed in
        overdue = len(case_ops.list_cases(db, hall_id, bb.calendar, due="overdue"))
        due_soon = len(case_ops.list_cases(db, hall_id, bb.calendar, due="due_soon"))
        links = link_status.links(db, bb.settings)
    return {"windows": windows, "lines": lines, "faults": faults, "held": held, "now": now,
            "links": links, "down_minutes": bb.settings.hall_link_down_minutes, "statuses": statuses, "scores": scores, "open_follow_ups": open_follow_ups,
            "overdue": overdue, "due_soon": due_soon, "staffing": staffing}


def _counts(data: dict) -> list[tuple]:
    """(label, value, note, class) of each tile."""
    s, scores = data["statuses"], data["scores"]
    rated = sum(scores.values())
    liked = sum(n for score, n in scores.items() if is_satisfied(score))
    bad = sum(n for score, n in scores.items() if score <= 2)
    return [
        ("今日取号", sum(s.values()), "", ""),
        ("正在等候", s.get("waiting", 0), "", ""),
        ("窗口办理中", s.get("called", 0) + s.get("serving", 0), "", ""),
        (STATUS_NAMES["finished"], s.get("finished", 0), "", ""),
        ("过号", s.get("no_show", 0), "", ""),
        ("今日评价", rated, f"满意 {liked}，差评 {bad}" if rated else "尚无评价", ""),
        ("待回访整改", data["open_follow_ups"], "", "alert" if data["open_follow_ups"] else ""),
        ("逾期代办件", data["overdue"], f"即将到期 {data['due_soon']}", "alert" if data["overdue"] else ""),
    ]


def _window(w: WindowInfo, ticket: Ticket | None, now: datetime) -> dict:
    serving = None
    if ticket is not None:
        serving = {"number": ticket.number, "status": STATUS_NAMES[ticket.status],
                   "since": int((now - (ticket.called_at or now)).total_seconds()),
                   "group": PRIORITY_GROUP_NAMES.get(ticket.priority_group or "")}
    return {"number": w.number, "name": w.name, "area": w.area or "", "staff": w.helper, "serving": serving}


def _longest(q: QueueWaiting) -> Marked | str:
    if q.longest_wait_s >= LONG_WAIT_S:
        return Marked(f"{waited(q.longest_wait_s)}（超过 {LONG_WAIT_S // 60} 分钟）", "late")
    return waited(q.longest_wait_s) if q.waiting else "—"


def _link(link, down_minutes: int) -> list:
    """A hall server's link as a row: its state in words and a mark, never colour alone."""
    state = "✓ 连接正常" if link.state == "up" else "✕ 已断开"
    if link.flagged:
        state = Marked(f"{state}（超过 {down_minutes} 分钟）", "late")
    if link.state == "down":  # the centre knows only what the hall said before the line broke
        records = f"断开前 {link.backlog_records} 条，其后未知"
        age = f"至少 {waited(int(link.backlog_s))}"
    else:
        records, age = link.backlog_records, waited(int(link.backlog_s)) if link.backlog_records else "—"
    return [link.hall_name, state, records, age, when(link.last_contact_at), when(link.last_record_at)]


def _context(data: dict) -> dict:
    return {"counts": _counts(data), "refresh_s": REFRESH_S, "stamp": iso(data["now"])[11:19],
            "staffing": data.get("staffing", []),
            "windows": [_window(w, data["held"].get(w.number), data["now"]) for w in data["windows"]],
            "lines": [[f"{q.prefix} {q.name}", q.waiting, _longest(q)] for q in data["lines"]],
            "links": [_link(k, data["down_minutes"]) for k in data.get("links", [])],
            "faults": [[d.device, d.window or "—", d.component, d.message, d.at[11:16]] for d in data["faults"]]}


def live(data: dict) -> Markup:
    """The part that refreshes: counts, lines, windows, device faults."""
    return templates.render("overview_live.html", **_context(data))


def page(who: Supervisor, data: dict) -> Markup:
    return templates.render("overview.html", who=who, **_context(data))
