"""大厅设置: what each tab of the setup pages shows (areas and queues, windows, the 事项清单,
opening hours and closures, the 事项变动登记表), read for one hall, and rendered."""
from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.hall_setup import (
    AREA_KINDS, CATEGORY_NAMES, SERVICE_TYPE_NAMES, WEEKDAY_NAMES,
)
from kiosk.server.hall_setup import EDITORS
from kiosk.server.matter_setup import change_register
from kiosk.server.models import Area, AuditEntry, Hall, HallClosure, Matter, Queue, Window
from kiosk.server.supervisor import templates
from kiosk.server.supervisor.templates import Marked, when

TABS = [("setup", "区域与队列"), ("setup/windows", "窗口"), ("setup/matters", "事项清单"),
        ("setup/hours", "办公时间"), ("setup/changes", "事项变动登记表")]
LABELS = {
    "name": "名称", "kind": "类型", "prefix": "队列前缀", "service_type": "服务类型", "area_id": "所属区域",
    "number": "窗口号", "queue_ids": "服务队列", "queue_id": "队列", "category": "事项类型",
    "department": "实施部门", "time_limit_days": "承诺时限（工作日）", "materials": "申请材料（一行一项）",
    "steps": "办理流程（一行一步）", "address": "办理地点", "phone": "咨询电话", "proxy_allowed": "可代办",
    "high_frequency": "高频事项（月均办结 ≥ 20 件）", "day": "日期", "reason": "原因", "opens": "开门", "closes": "关门",
}
YES_NO = [("是", "是"), ("否", "否")]


def choices(db: Session, hall_id: int) -> dict:
    areas = list(db.scalars(select(Area).where(Area.hall_id == hall_id).order_by(Area.id)))
    queues = list(db.scalars(select(Queue).where(Queue.hall_id == hall_id).order_by(Queue.prefix)))
    return {"areas": areas, "queues": queues, "area_names": {a.id: a.name for a in areas},
            "area_choices": [(str(a.id), a.name) for a in areas],
            "queue_choices": [(str(q.id), f"{q.prefix} {q.name}") for q in queues if q.retired_at is None],
            "kind_choices": list(AREA_KINDS.items()), "type_choices": list(SERVICE_TYPE_NAMES.items()),
            "category_choices": list(CATEGORY_NAMES.items()), "yes_no": YES_NO,
            "AREA_KINDS": AREA_KINDS, "SERVICE_TYPE_NAMES": SERVICE_TYPE_NAMES, "CATEGORY_NAMES": CATEGORY_NAMES}


def done_message(db: Session, hall_id: int, entry_id: int | None) -> str:
    """What the change just made said of itself (its audit row), to confirm it on the page."""
    if entry_id is None:
        return ""
    entry = db.get(AuditEntry, entry_id)
    return (entry.detail or {}).get("summary", "") if entry is not None and entry.hall_id == hall_id else ""


def last_change(db: Session, hall_id: int) -> int | None:
    return db.scalar(select(AuditEntry.id).where(AuditEntry.hall_id == hall_id).order_by(AuditEntry.id.desc()).limit(1))


def base(db: Session, who, halls, hall_id: int, tab: str, **shown) -> dict:
    hall = db.get(Hall, hall_id)
    return {"who": who, "halls": halls, "hall_id": hall_id, "hall": hall, "tab": tab, "TABS": TABS,
            "can_edit": who.helper.role in EDITORS, "LABELS": LABELS, "errors": {}, "values": {},
            "error": "", "ok": "", "edit": None, **choices(db, hall_id), **shown}


def catalogue(db: Session, ctx: dict) -> Markup:
    hall_id = ctx["hall_id"]
    windows = list(db.scalars(select(Window).where(Window.hall_id == hall_id)))
    served = {q.id: sorted(w.number for w in windows if q in w.queues) for q in ctx["queues"]}
    return templates.render("setup_catalogue.html", served=served, **ctx)


def windows(db: Session, ctx: dict) -> Markup:
    rows = list(db.scalars(select(Window).where(Window.hall_id == ctx["hall_id"]).order_by(Window.number)))
    return templates.render("setup_windows.html", windows=rows, **ctx)


def matter_values(m: Matter) -> dict:
    return {"name": m.name, "queue_id": str(m.queue_id), "category": m.category, "department": m.department,
            "time_limit_days": str(m.time_limit_days), "materials": "\n".join(m.materials or []),
            "steps": "\n".join(m.steps or []), "address": m.address, "phone": m.phone,
            "proxy_allowed": "是" if m.proxy_allowed else "否", "high_frequency": "是" if m.high_frequency else "否",
            "name_mn": m.name_mn or ""}


def matters(db: Session, ctx: dict) -> Markup:
    rows = list(db.scalars(select(Matter).where(Matter.hall_id == ctx["hall_id"])
                           .order_by(Matter.retired_at.is_not(None), Matter.id)))
    prefixes = {q.id: q.prefix for q in ctx["queues"]}
    return templates.render("setup_matters.html", matters=rows, prefixes=prefixes, matter_values=matter_values, **ctx)


def hours(db: Session, ctx: dict) -> Markup:
    closures = list(db.scalars(select(HallClosure).where(HallClosure.hall_id == ctx["hall_id"])
                               .order_by(HallClosure.day)))
    week = [(day, WEEKDAY_NAMES[day - 1], (ctx["hall"].hours or {}).get(str(day), ["", ""])) for day in range(1, 8)]
    return templates.render("setup_hours.html", week=week, closures=closures, **ctx)


def changes(db: Session, ctx: dict) -> Markup:
    rows = [[when(r.at), r.change, r.before_name, r.after_name, r.category, r.high_frequency, Marked(r.what, "log"), r.by]
            for r in change_register(db, ctx["hall_id"])]
    return templates.render("setup_changes.html", table_rows=rows, **ctx)


RENDER = {"setup": catalogue, "setup/windows": windows, "setup/matters": matters, "setup/hours": hours,
          "setup/changes": changes}
