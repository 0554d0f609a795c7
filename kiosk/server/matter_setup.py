"""The hall's 事项清单: each matter added, changed, retired or deleted, and the 事项变动登记表
(seed 004, annex 5) that lists those changes, read back from the audit log."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.hall_setup import CATEGORY_NAMES, join_list
from kiosk.server.admin import initials
from kiosk.server.errors import ApiError
from kiosk.server.hall_setup import Editor, changed, owned
from kiosk.server.models import AuditEntry, Case, Helper, Matter, Queue, Ticket
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire.setup import MatterSpec

FIELD_NAMES = {"name": "事项名称", "queue_id": "队列", "category": "事项类型", "department": "实施部门",
               "time_limit_days": "承诺时限", "materials": "申请材料", "steps": "办理流程", "address": "办理地点",
               "phone": "咨询电话", "proxy_allowed": "可代办", "high_frequency": "高频事项",
               "name_mn": "蒙古文名称"}
CHANGE_NAMES = {"add": "新增", "update": "变更", "retire": "停用", "restore": "恢复", "delete": "删除"}


def matter_view(m: Matter, prefix: str | None = None) -> dict:
    return {"name": m.name, "queue": prefix, "category": m.category, "department": m.department,
            "time_limit_days": m.time_limit_days, "materials": list(m.materials or []), "steps": list(m.steps or []),
            "address": m.address, "phone": m.phone, "proxy_allowed": m.proxy_allowed,
            "high_frequency": m.high_frequency, "name_mn": m.name_mn or ""}


def _queue(db: Session, hall_id: int, queue_id: int) -> Queue:
    queue = owned(db, Queue, queue_id, hall_id, "队列")
    if queue.retired_at:
        raise ApiError(409, "queue_retired", f"队列 {queue.prefix} 已停用，请选择其他队列")
    return queue


def save_matter(db: Session, editor: Editor, hall_id: int, spec: MatterSpec, matter_id: int | None = None,
                *, announce: bool = True) -> Matter | None:
    """The matter added or changed; None when ``spec`` changes nothing. ``announce``: False
    when an import announces its whole file once."""
    clash = db.scalar(select(Matter).where(Matter.hall_id == hall_id, Matter.name == spec.name,
                                           Matter.retired_at.is_(None), Matter.id != (matter_id or 0)))
    if clash:
        raise ApiError(409, "name_taken", f"事项“{spec.name}”已在清单中，请修改原有事项或换一个名称")
    queue = _queue(db, hall_id, spec.queue_id)
    if matter_id is None:
        matter, before = Matter(hall_id=hall_id), None
    else:
        matter = owned(db, Matter, matter_id, hall_id, "事项")
        before = matter_view(matter, db.get(Queue, matter.queue_id).prefix)
    fields = spec.model_dump()
    for key, value in fields.items():
        setattr(matter, key, value)
    matter.search_key = initials(spec.name)
    after = matter_view(matter, queue.prefix)
    if before == after:
        return None
    db.add(matter)
    db.flush()
    what = [FIELD_NAMES[k] for k in FIELD_NAMES if k != "queue_id" and before and before[k] != after[k]]
    if before and before["queue"] != after["queue"]:
        what.append("队列")
    summary = (f"变更事项：{spec.name}（{'、'.join(what)}）" if before else f"新增事项：{spec.name}")
    _record(db, editor, hall_id, "update" if before else "add", summary, matter.id, before, after, announce)
    return matter


def _record(db, editor, hall_id, change, summary, matter_id, before, after, announce=True) -> None:
    if announce:
        changed(db, editor, hall_id, f"setup.matter.{change}", summary, ["matters"],
                id=matter_id, before=before, after=after)
    else:  # audited alone: the import's one event says the whole file
        audit(db, editor.on(hall_id), f"setup.matter.{change}", summary=summary,
              by="console" if editor.caller is None else "web", id=matter_id, before=before, after=after)


def remove_matter(db: Session, editor: Editor, hall_id: int, matter_id: int) -> str:
    """Deleted, or retired (停用) when tickets or cases name it: they keep it in the ledger."""
    matter = owned(db, Matter, matter_id, hall_id, "事项")
    before = matter_view(matter, db.get(Queue, matter.queue_id).prefix)
    used = db.scalar(select(Ticket.id).where(Ticket.matter_id == matter_id).limit(1)) or \
        db.scalar(select(Case.id).where(Case.matter_id == matter_id).limit(1))
    if used:
        if matter.retired_at:
            raise ApiError(409, "already_retired", f"事项“{matter.name}”已停用")
        matter.retired_at = utcnow()
        summary, change = f"停用事项：{matter.name}（已有办件记录，台账保留）", "retire"
    else:
        db.delete(matter)
        summary, change = f"删除事项：{matter.name}", "delete"
    _record(db, editor, hall_id, change, summary, matter_id, before, None)
    return summary


def restore_matter(db: Session, editor: Editor, hall_id: int, matter_id: int) -> None:
    matter = owned(db, Matter, matter_id, hall_id, "事项")
    if matter.retired_at is None:
        raise ApiError(409, "not_retired", f"事项“{matter.name}”未停用")
    if db.scalar(select(Matter.id).where(Matter.hall_id == hall_id, Matter.name == matter.name,
                                         Matter.retired_at.is_(None))):
        raise ApiError(409, "name_taken", f"清单中已有同名事项“{matter.name}”，不能恢复")
    _queue(db, hall_id, matter.queue_id)
    matter.retired_at = None
    _record(db, editor, hall_id, "restore", f"恢复事项：{matter.name}", matter_id, None,
            matter_view(matter, db.get(Queue, matter.queue_id).prefix))


@dataclass(frozen=True)
class MatterChange:
    """One line of the 事项变动登记表."""
    at: str
    change: str
    before_name: str
    after_name: str
    category: str
    high_frequency: str
    what: str
    by: str


def change_register(db: Session, hall_id: int, limit: int = 500) -> list[MatterChange]:
    rows = db.execute(select(AuditEntry, Helper.name).outerjoin(Helper, Helper.id == AuditEntry.helper_id)
                      .where(AuditEntry.hall_id == hall_id, AuditEntry.action.like("setup.matter.%"))
                      .order_by(AuditEntry.id.desc()).limit(limit)).all()
    out = []
    for entry, name in rows:
        d, change = entry.detail or {}, entry.action.rsplit(".", 1)[1]
        before, after = d.get("before") or {}, d.get("after") or {}
        now = after or before
        out.append(MatterChange(
            at=iso(entry.at), change=CHANGE_NAMES.get(change, change), before_name=before.get("name", "—"),
            after_name=after.get("name", "—"), category=CATEGORY_NAMES.get(now.get("category"), "—"),
            high_frequency="是" if now.get("high_frequency") else "否",
            what=_what(before, after) or d.get("summary", ""), by=name or ("命令行" if d.get("by") == "console" else "—")))
    return out


def _what(before: dict, after: dict) -> str:
    if not before or not after:
        return ""
    parts = []
    for key, label in FIELD_NAMES.items():
        key = "queue" if key == "queue_id" else key
        old, new = before.get(key), after.get(key)
        if old != new:
            show = (lambda v: join_list(v) if isinstance(v, list) else ("是" if v is True else "否" if v is False else v))
            parts.append(f"{label}：{show(old)} → {show(new)}")
    return "；".join(parts)
