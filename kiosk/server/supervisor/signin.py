"""Checking a supervisor's helper code and PIN: the window terminals' rules, lockout included.

Failed PINs count on the helper's own row (``failed_logins``, ``locked_until``), shared with the
window terminals' sign-in, so guessing on one does not start afresh on the other.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.roles import role_name
from kiosk.server.auth import READER_ROLES, pin_matches
from kiosk.server.errors import ApiError
from kiosk.server.models import Hall, Helper
from kiosk.server.sign_in_limits import pin_tried, unknown_code_failed
from kiosk.server.staff_register import INACTIVE
from kiosk.server.supervisor.web_caller import hall_caller, web_caller
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import utcnow
from kiosk.config.server import Settings

BAD_CREDENTIALS = "工号或密码不正确"


class Refused:
    """A refusal whose bookkeeping (a failed count, an audit row) must be committed first."""

    def __init__(self, error: ApiError):
        self.error = error


def halls_with_staff(db: Session) -> list[Hall]:
    """The halls the form offers: any with helpers, so a helper who may not sign in is told why."""
    ids = select(Helper.hall_id)
    return list(db.scalars(select(Hall).where(Hall.id.in_(ids)).order_by(Hall.id)))


def check(db: Session, settings: Settings, hall_id: int, code: str, pin: str, address: str) -> Helper | Refused:
    """The helper who may sign in, or why not. Errors raised here have written nothing; a
    ``Refused`` has (a failed count, an audit row), so the caller commits before showing it."""
    helper = db.scalar(select(Helper).where(Helper.hall_id == hall_id, Helper.code == code))
    now = utcnow()
    pin_ok = pin_matches(helper, pin)
    if helper is None:
        # a hall's negative id keeps these apart from the window terminals' device ids
        unknown_code_failed(-hall_id, code, settings.login_max_failures, settings.login_lock_s)
        raise ApiError(401, "bad_credentials", BAD_CREDENTIALS)
    if not pin_tried(helper, pin_ok, settings.login_max_failures, settings.login_lock_s, now):
        audit(db, hall_caller(hall_id), "web.sign_in_failed", helper_code=code, address=address)
        return Refused(ApiError(401, "bad_credentials", BAD_CREDENTIALS))
    if not helper.active:  # a helper who left (staff_register)
        audit(db, web_caller(helper), "web.sign_in_refused", role=helper.role, address=address, inactive=True)
        return Refused(ApiError(403, "helper_inactive", INACTIVE))
    if helper.role not in READER_ROLES:
        audit(db, web_caller(helper), "web.sign_in_refused", role=helper.role, address=address)
        return Refused(ApiError(403, "not_a_supervisor",
                                f"您的角色是{role_name(helper.role)}：监督页面只供协调员、"
                                "首席帮办代办员和联络员登录。如需查看，请联系本厅协调员。"))
    audit(db, web_caller(helper), "web.sign_in", address=address)
    return helper
