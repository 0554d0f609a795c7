"""The staff register (seed 001: 姓名、职务、帮办业务领域等信息登记在册): helpers added, changed,
deactivated when they leave (their sessions end at once and sign-in refuses them), their PIN
reset; the list the hall posts (公示, seed 004); and who is signed in per area against the
staffing minimums (seed 000).
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.hall_setup import AreaStaffing, staffing
from kiosk.server import events
from kiosk.server.auth import hash_pin
from kiosk.server.errors import ApiError
from kiosk.server.hall_setup import Editor, owned
from kiosk.server.models import Area, Hall, Helper, HelperSession, Window, WebSession
from kiosk.server.audit_trail import audit
from kiosk.server.tickets import window_number
from kiosk.server.timeutil import utcnow
from kiosk.wire.events import StaffChanged, WindowStaffed
from kiosk.wire.setup import NewStaff, StaffList, StaffPublic, StaffSpec

INACTIVE = "该账号已停用，不能登录。如有疑问请联系本厅协调员。"


def refuse_if_inactive(helper: Helper) -> None:
    """Sign-in's check, once the PIN is right: a helper who left is told so."""
    if not helper.active:
        raise ApiError(403, "helper_inactive", INACTIVE)


def _view(h: Helper) -> dict:
    return {"name": h.name, "post": h.post, "unit": h.unit, "phone": h.phone, "skills": list(h.skills or []),
            "role": h.role, "started_on": h.started_on.isoformat() if h.started_on else None,
            "full_time": h.full_time, "active": h.active}


def _changed(db: Session, editor: Editor, hall_id: int, action: str, summary: str, **detail) -> None:
    audit(db, editor.on(hall_id), action, summary=summary, by="console" if editor.caller is None else "web", **detail)
    events.record(db, hall_id, StaffChanged(summary=summary))


def _may_grant(editor: Editor, role: str, current: str | None = None) -> None:
    """Only a chief makes or unmakes a chief."""
    if editor.caller is None or editor.caller.helper.role == "chief":
        return
    if "chief" in (role, current):
        raise ApiError(403, "forbidden", "只有首席帮办代办员可以设置或变更首席帮办代办员")


def add(db: Session, editor: Editor, hall_id: int, spec: NewStaff) -> tuple[Helper, str]:
    """The helper and their first PIN (shown once, kept only as a hash)."""
    if db.scalar(select(Helper.id).where(Helper.hall_id == hall_id, Helper.code == spec.code)):
        raise ApiError(409, "code_taken", f"工号 {spec.code} 已有人使用，请换一个")
    _may_grant(editor, spec.role)
    pin = new_pin()
    helper = Helper(hall_id=hall_id, code=spec.code, pin_hash=hash_pin(pin), active=True,
                    **spec.model_dump(exclude={"code"}))
    db.add(helper)
    db.flush()
    _changed(db, editor, hall_id, "staff.add", f"登记人员：{spec.name}（工号 {spec.code}）", id=helper.id,
             after=_view(helper))
    return helper, pin


def update(db: Session, editor: Editor, hall_id: int, helper_id: int, spec: StaffSpec) -> Helper:
    helper = owned(db, Helper, helper_id, hall_id, "人员")
    _may_grant(editor, spec.role, helper.role)
    before = _view(helper)
    for key, value in spec.model_dump().items():
        setattr(helper, key, value)
    _changed(db, editor, hall_id, "staff.update", f"变更人员信息：{helper.name}（工号 {helper.code}）",
             id=helper.id, before=before, after=_view(helper))
    return helper


def set_active(db: Session, editor: Editor, hall_id: int, helper_id: int, active: bool) -> Helper:
    """Deactivating ends the helper's window and web sessions now; the caller clears the
    server's caller cache after the commit so their tokens stop at once."""
    helper = owned(db, Helper, helper_id, hall_id, "人员")
    if editor.caller is not None and editor.caller.helper.id == helper.id and not active:
        raise ApiError(409, "self", "不能停用自己的账号")
    _may_grant(editor, helper.role)
    if helper.active == active:
        raise ApiError(409, "unchanged", f"{helper.name}已经是{'在用' if active else '停用'}状态")
    helper.active = active
    now = utcnow()
    if not active:
        for session in db.scalars(select(HelperSession).where(HelperSession.helper_id == helper.id,
                                                              HelperSession.ended_at.is_(None))):
            session.ended_at = now
            events.record(db, hall_id, WindowStaffed(window=window_number(db, session.window_id), helper=None))
        for web in db.scalars(select(WebSession).where(WebSession.helper_id == helper.id, WebSession.ended_at.is_(None))):
            web.ended_at = now
    word = "恢复" if active else "停用"
    _changed(db, editor, hall_id, f"staff.{'activate' if active else 'deactivate'}",
             f"{word}人员：{helper.name}（工号 {helper.code}）", id=helper.id)
    return helper


def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def reset_pin(db: Session, editor: Editor, hall_id: int, helper_id: int) -> tuple[Helper, str]:
    """A new random PIN, shown once to whoever reset it; the lockout is lifted."""
    helper = owned(db, Helper, helper_id, hall_id, "人员")
    _may_grant(editor, helper.role)
    pin = new_pin()
    helper.pin_hash, helper.failed_logins, helper.locked_until = hash_pin(pin), 0, None
    audit(db, editor.on(hall_id), "staff.reset_pin", summary=f"重置密码：{helper.name}（工号 {helper.code}）",
          id=helper.id)
    return helper, pin


def register(db: Session, hall_id: int) -> list[Helper]:
    return list(db.scalars(select(Helper).where(Helper.hall_id == hall_id)
                           .order_by(Helper.active.desc(), Helper.code)))


def posted(db: Session, hall_id: int) -> StaffList:
    """The hall's active staff as the public may see them (公示)."""
    hall = db.get(Hall, hall_id)
    staff = [StaffPublic(name=h.name, role=h.role, post=h.post, unit=h.unit or hall.name, phone=h.phone or hall.phone,
                         skills=list(h.skills or []))
             for h in db.scalars(select(Helper).where(Helper.hall_id == hall_id, Helper.active.is_(True))
                                 .order_by(Helper.code))]
    return StaffList(hall=hall.name, staff=staff)


def area_staffing(db: Session, hall_id: int) -> list[AreaStaffing]:
    """Helpers signed in at each area's windows now, against seed 000's minimums."""
    areas = db.execute(select(Area.id, Area.name, Area.kind).where(Area.hall_id == hall_id).order_by(Area.id)).all()
    names = {a.id: a.name for a in areas}
    counts: dict[str, int] = {}
    for (area_id,) in db.execute(select(Window.area_id).join(HelperSession, HelperSession.window_id == Window.id)
                                 .where(Window.hall_id == hall_id, HelperSession.ended_at.is_(None))):
        if area_id in names:
            counts[names[area_id]] = counts.get(names[area_id], 0) + 1
    return staffing([(a.name, a.kind) for a in areas], counts)
