"""How the pages are answered: the security headers every page carries, and the page that says
why a page could not be shown. The pages themselves are templates (``templates.py``)."""
from __future__ import annotations

from fastapi.responses import HTMLResponse

from kiosk.server.supervisor import templates

HEADERS = {
    # styles and scripts only from this server; no frames; personal data is not cached
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def respond(body: str, status: int = 200, headers: dict | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={**HEADERS, **(headers or {})})


def problem(who, title: str, active: str, message: str, back: str, back_text: str) -> str:
    """A signed-in page that could not be shown as asked: why, and a link to one that can."""
    return templates.render("problem.html", who=who, title=title, active=active, message=message,
                            back=back, back_text=back_text)
