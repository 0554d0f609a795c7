"""A hall sets itself up: its areas, queues, windows, opening hours and closures.

Every change is checked (a prefix or window number taken, a queue still in use), audited in
the hall's audit log with what it was and what it became, and announced on the event stream
(``catalogue.changed``) in the same transaction, so kiosks and windows follow without a restart.
The setup pages and ``bangban hall`` both call these functions.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kiosk.domain.hall_setup import AREA_KINDS, WEEKDAY_NAMES, clock_minutes
from kiosk.server import events
from kiosk.server.auth import Caller, visible_halls
from kiosk.server.errors import ApiError
from kiosk.server.models import (
    Area, Hall, HallClosure, HelperSession, Matter, Queue, Service, Ticket, Window, WindowQueue,
)
from kiosk.server.supervisor.web_caller import WebBrowser
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import local_day, utcnow
from kiosk.wire.events import CatalogueChanged
from kiosk.wire.setup import AreaSpec, ClosureSpec, DayHours, QueueSpec, WindowSpec

EDITORS = ("coordinator", "chief")  # who may change a hall's set-up; other staff read it


@dataclass(frozen=True)
class Editor:
    """Who makes a change: a signed-in supervisor, or nobody (the console, ``bangban hall``)."""
    caller: Caller | None

    def on(self, hall_id: int) -> Caller:
        """The caller as the audit log of ``hall_id`` records it."""
        helper = self.caller.helper if self.caller else None
        return Caller(device=WebBrowser(hall_id), helper=helper)  # type: ignore[arg-type]


CONSOLE = Editor(None)


def may_edit(db: Session, caller: Caller, hall_id: int) -> None:
    """A coordinator or chief edits their own hall and the halls below it; nobody else does."""
    if caller.helper is None or caller.helper.role not in EDITORS:
        raise ApiError(403, "forbidden", "只有协调员和首席帮办代办员可以修改大厅设置，您可以查看")
    if hall_id not in visible_halls(db, caller):
        raise ApiError(403, "forbidden", "您只能修改本大厅及下级大厅的设置")


def changed(db: Session, editor: Editor, hall_id: int, action: str, summary: str, parts: list[str],
            **detail) -> None:
    """Audit one change and tell the terminals, in the caller's transaction."""
    audit(db, editor.on(hall_id), action, summary=summary, by="console" if editor.caller is None else "web", **detail)
    events.record(db, hall_id, CatalogueChanged(parts=parts, summary=summary))


def owned(db: Session, model, row_id: int, hall_id: int, what: str):
    row = db.get(model, row_id)
    if row is None or row.hall_id != hall_id:
        raise ApiError(404, "not_found", f"找不到该{what}，可能已被删除，请刷新页面")
    return row


def _area_id(db: Session, hall_id: int, area_id: int | None) -> int | None:
    if area_id is not None:
        owned(db, Area, area_id, hall_id, "区域")
    return area_id


# --- areas ------------------------------------------------------------------------

def save_area(db: Session, editor: Editor, hall_id: int, spec: AreaSpec, area_id: int | None = None) -> Area:
    clash = db.scalar(select(Area).where(Area.hall_id == hall_id, Area.name == spec.name, Area.id != (area_id or 0)))
    if clash:
        raise ApiError(409, "name_taken", f"区域“{spec.name}”已存在")
    area = Area(hall_id=hall_id) if area_id is None else owned(db, Area, area_id, hall_id, "区域")
    before = {"name": area.name, "kind": area.kind} if area_id else None
    area.name, area.kind = spec.name, spec.kind
    db.add(area)
    db.flush()
    changed(db, editor, hall_id, "setup.area." + ("update" if before else "add"),
            f"{'修改' if before else '新增'}区域：{spec.name}（{AREA_KINDS[spec.kind]}）", ["areas"],
            id=area.id, before=before, after=spec.model_dump())
    return area


def delete_area(db: Session, editor: Editor, hall_id: int, area_id: int) -> None:
    area = owned(db, Area, area_id, hall_id, "区域")
    users = [f"队列 {q}" for q in db.scalars(select(Queue.prefix).where(Queue.area_id == area_id))]
    users += [f"{n} 号窗口" for n in db.scalars(select(Window.number).where(Window.area_id == area_id))]
    if users:
        raise ApiError(409, "in_use", f"区域“{area.name}”仍有{'、'.join(users)}，请先把它们改到其他区域再删除")
    db.delete(area)
    changed(db, editor, hall_id, "setup.area.delete", f"删除区域：{area.name}", ["areas"], id=area_id)


# --- queues -----------------------------------------------------------------------

def save_queue(db: Session, editor: Editor, hall_id: int, spec: QueueSpec, queue_id: int | None = None) -> Queue:
    clash = db.scalar(select(Queue).where(Queue.hall_id == hall_id, Queue.prefix == spec.prefix,
                                          Queue.id != (queue_id or 0)))
    if clash:
        retired = "（已停用）" if clash.retired_at else ""
        raise ApiError(409, "prefix_taken", f"队列前缀“{spec.prefix}”已被队列“{clash.name}”{retired}使用，请换一个字母")
    _area_id(db, hall_id, spec.area_id)
    queue = Queue(hall_id=hall_id) if queue_id is None else owned(db, Queue, queue_id, hall_id, "队列")
    before = _queue_view(queue) if queue_id else None
    if before and before["prefix"] != spec.prefix and _has_tickets(db, Ticket.queue_id == queue.id):
        raise ApiError(409, "prefix_in_use", f"队列“{queue.name}”已发过号，前缀 {queue.prefix} 不能再改（台账中的号码以它开头）")
    queue.prefix, queue.name, queue.service_type, queue.area_id = spec.prefix, spec.name, spec.service_type, spec.area_id
    queue.retired_at = None
    db.add(queue)
    db.flush()
    changed(db, editor, hall_id, "setup.queue." + ("update" if before else "add"),
            f"{'修改' if before else '新增'}队列：{spec.prefix} {spec.name}", ["queues"],
            id=queue.id, before=before, after=_queue_view(queue))
    return queue


def _queue_view(q: Queue) -> dict:
    return {"prefix": q.prefix, "name": q.name, "service_type": q.service_type, "area_id": q.area_id}


def _has_tickets(db: Session, condition) -> bool:
    return db.scalar(select(Ticket.id).where(condition).limit(1)) is not None


def delete_queue(db: Session, editor: Editor, hall_id: int, queue_id: int) -> str:
    """Deleted, or retired (停用) when tickets were issued in it; refused while in use. Says which."""
    queue = owned(db, Queue, queue_id, hall_id, "队列")
    matters = db.scalar(select(func.count()).select_from(Matter).where(
        Matter.queue_id == queue_id, Matter.retired_at.is_(None)))
    if matters:
        raise ApiError(409, "in_use", f"队列“{queue.prefix} {queue.name}”下还有 {matters} 个事项，请先把这些事项改到其他队列")
    windows = list(db.scalars(select(Window.number).join(WindowQueue, WindowQueue.window_id == Window.id)
                              .where(WindowQueue.queue_id == queue_id).order_by(Window.number)))
    if windows:
        raise ApiError(409, "in_use", f"{'、'.join(map(str, windows))} 号窗口仍在叫队列“{queue.prefix} {queue.name}”的号，"
                                      "请先在窗口设置中取消")
    waiting = db.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.queue_id == queue_id, Ticket.status.in_(("waiting", "called", "serving")),
        Ticket.day == local_day(utcnow())))
    if waiting:
        raise ApiError(409, "in_use", f"队列“{queue.prefix} {queue.name}”今天还有 {waiting} 个号未办完，请办完后再删除")
    if _has_tickets(db, Ticket.queue_id == queue_id):
        queue.retired_at = utcnow()
        summary = f"停用队列：{queue.prefix} {queue.name}（已有取号记录，台账保留）"
        action = "setup.queue.retire"
    else:
        db.execute(delete(Queue).where(Queue.id == queue_id))
        summary, action = f"删除队列：{queue.prefix} {queue.name}", "setup.queue.delete"
    changed(db, editor, hall_id, action, summary, ["queues"], id=queue_id, before=_queue_view(queue))
    return summary


# --- windows ----------------------------------------------------------------------

def _queues_of(db: Session, hall_id: int, queue_ids: list[int]) -> list[Queue]:
    queues = [owned(db, Queue, qid, hall_id, "队列") for qid in dict.fromkeys(queue_ids)]
    retired = [q for q in queues if q.retired_at]
    if retired:
        raise ApiError(409, "queue_retired", f"队列 {retired[0].prefix} 已停用，不能再分给窗口")
    return queues


def save_window(db: Session, editor: Editor, hall_id: int, spec: WindowSpec, window_id: int | None = None) -> Window:
    if window_id is None:
        if db.scalar(select(Window.id).where(Window.hall_id == hall_id, Window.number == spec.number)):
            raise ApiError(409, "number_taken", f"{spec.number} 号窗口已存在，请换一个窗口号")
        window = Window(hall_id=hall_id, number=spec.number)
    else:
        window = owned(db, Window, window_id, hall_id, "窗口")
        if window.number != spec.number:  # the terminals, the pads and the ledger know it by number
            raise ApiError(409, "number_fixed", f"窗口号创建后不能修改（{window.number} 号）；如需新窗口号，请新增一个窗口")
    _area_id(db, hall_id, spec.area_id)
    queues = _queues_of(db, hall_id, spec.queue_ids)
    before = _window_view(window) if window_id else None
    window.name, window.area_id, window.queues = spec.name, spec.area_id, queues
    db.add(window)
    db.flush()
    after = _window_view(window)
    served = "、".join(after["queues"]) or "不叫号"
    changed(db, editor, hall_id, "setup.window." + ("update" if before else "add"),
            f"{'调整' if before else '新增'}窗口：{window.number} 号 {window.name}，服务队列 {served}", ["windows"],
            id=window.id, before=before, after=after)
    return window


def _window_view(w: Window) -> dict:
    return {"number": w.number, "name": w.name, "area_id": w.area_id, "queues": sorted(q.prefix for q in w.queues)}


def move_window(db: Session, editor: Editor, hall_id: int, window_id: int, queue_ids: list[int]) -> Window:
    """窗口调整 (seed 002): the queues a window calls from now on, in one action during the day."""
    window = owned(db, Window, window_id, hall_id, "窗口")
    spec = WindowSpec(number=window.number, name=window.name, area_id=window.area_id, queue_ids=queue_ids)
    return save_window(db, editor, hall_id, spec, window_id)


def delete_window(db: Session, editor: Editor, hall_id: int, window_id: int) -> None:
    window = owned(db, Window, window_id, hall_id, "窗口")
    if db.scalar(select(HelperSession.id).where(HelperSession.window_id == window_id, HelperSession.ended_at.is_(None))):
        raise ApiError(409, "in_use", f"{window.number} 号窗口有人员在岗，请其退出登录后再删除")
    if _has_tickets(db, Ticket.window_id == window_id) or _has_tickets(db, Ticket.target_window_id == window_id) \
            or db.scalar(select(Service.id).where(Service.window_id == window_id).limit(1)):
        raise ApiError(409, "has_history", f"{window.number} 号窗口已有办件记录，不能删除（台账需要它）；"
                                           "如不再使用，请取消它服务的全部队列")
    before = _window_view(window)
    db.execute(delete(WindowQueue).where(WindowQueue.window_id == window_id))
    db.execute(delete(Window).where(Window.id == window_id))
    changed(db, editor, hall_id, "setup.window.delete", f"删除窗口：{window.number} 号 {window.name}", ["windows"],
            id=window_id, before=before)


# --- hours and closures -------------------------------------------------------------

def save_hours(db: Session, editor: Editor, hall_id: int, week: dict[int, DayHours]) -> None:
    """``week``: ISO weekday (1 Monday) to that day's hours; both times blank: closed."""
    hours = {}
    for day, spec in sorted(week.items()):
        if (spec.opens is None) != (spec.closes is None):
            raise ApiError(422, "invalid_hours", f"{WEEKDAY_NAMES[day - 1]}请同时填写开门和关门时间，或都不填（休息）")
        if spec.opens is not None:
            if clock_minutes(spec.opens) >= clock_minutes(spec.closes):
                raise ApiError(422, "invalid_hours", f"{WEEKDAY_NAMES[day - 1]}的关门时间要晚于开门时间")
            hours[str(day)] = [spec.opens, spec.closes]
    hall = db.get(Hall, hall_id)
    before, hall.hours = hall.hours, hours
    changed(db, editor, hall_id, "setup.hours.update", "修改办公时间", ["hours"], before=before, after=hours)


def add_closure(db: Session, editor: Editor, hall_id: int, spec: ClosureSpec) -> None:
    if db.scalar(select(HallClosure.id).where(HallClosure.hall_id == hall_id, HallClosure.day == spec.day)):
        raise ApiError(409, "closure_taken", f"{spec.day} 已登记为不办公日")
    db.add(HallClosure(hall_id=hall_id, day=spec.day, reason=spec.reason))
    changed(db, editor, hall_id, "setup.closure.add", f"登记不办公日：{spec.day}（{spec.reason}）", ["hours"],
            day=spec.day.isoformat(), reason=spec.reason)


def delete_closure(db: Session, editor: Editor, hall_id: int, closure_id: int) -> None:
    closure = owned(db, HallClosure, closure_id, hall_id, "不办公日")
    db.delete(closure)
    changed(db, editor, hall_id, "setup.closure.delete", f"取消不办公日：{closure.day}", ["hours"],
            day=closure.day.isoformat())
