"""The sign-in form: hall, helper code, PIN; and where a signed-in supervisor goes next."""
from __future__ import annotations

from markupsafe import Markup

from kiosk.server.supervisor import templates

HOME = "/supervisor/overview"
LOGIN_COOKIE = "bb_login"  # the form's own token: another site cannot post a sign-in for us


def safe_next(target: str | None) -> str:
    """Only our own pages: never another site, never back to the sign-in form."""
    if (not target or not target.startswith("/supervisor/") or "//" in target or "\\" in target
            or target.startswith("/supervisor/login")):
        return HOME
    return target


def render(halls: list[tuple[int, str]], form_token: str, *, next_url: str, code: str = "",
           hall_id: int | None = None, error: str | None = None) -> Markup:
    return templates.render("login.html", halls=halls, form_token=form_token, next_url=next_url, code=code,
                            hall_id=hall_id, error=error)
