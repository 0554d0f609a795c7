"""The pages' frame and small pieces: escaping, the navigation, tables, notices, formats.

Every value goes through ``esc``; fragments already built from escaped parts are ``Html`` and
pass through untouched (the idea of Jinja2's ``Markup``, without the dependency).
"""
from __future__ import annotations

from datetime import datetime
from html import escape

from fastapi.responses import HTMLResponse

from kiosk.server.supervisor.signin import ROLE_NAMES

NAV = [("overview", "大厅概况"), ("ledger", "台账"), ("cases", "到期代办件"),
       ("follow-ups", "回访整改"), ("figures", "统计")]
HEADERS = {
    # styles and scripts only from this server; no frames; personal data is not cached
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class Html(str):
    """Markup already escaped."""


def esc(value) -> Html:
    if isinstance(value, Html):
        return value
    return Html("" if value is None else escape(str(value)))


def join(parts) -> Html:
    return Html("".join(esc(p) for p in parts))


def respond(body: str, status: int = 200, headers: dict | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={**HEADERS, **(headers or {})})


def document(title: str, body: Html, *, script: str | None = None) -> str:
    js = f'<script src="/supervisor/static/{esc(script)}" defer></script>' if script else ""
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)} · 帮办代办监督</title>'
            f'<link rel="stylesheet" href="/supervisor/static/supervisor.css">{js}</head>'
            f'<body>{body}</body></html>')


def page(who, title: str, active: str, body: Html, *, script: str | None = None) -> str:
    """A signed-in page: the header with the hall and the supervisor, the tabs, the content."""
    links = join(Html(f'<a href="/supervisor/{key}"{" aria-current=page" if key == active else ""}>'
                      f'{esc(name)}</a>') for key, name in NAV)
    role = ROLE_NAMES.get(who.helper.role, who.helper.role)
    header = Html(
        f'<header class="top"><div class="brand">帮办代办 · 监督</div>'
        f'<div class="hall">{esc(who.hall_name)}</div>'
        f'<div class="who"><span>{esc(who.helper.name)}（{esc(role)}）</span>'
        f'<form method="post" action="/supervisor/logout">{csrf_field(who)}'
        f'<button type="submit" class="quiet">退出登录</button></form></div></header>'
        f'<nav aria-label="监督页面">{links}</nav>')
    return document(title, Html(f'{header}<main><h1>{esc(title)}</h1>{body}</main>'), script=script)


def csrf_field(who) -> Html:
    return Html(f'<input type="hidden" name="csrf" value="{esc(who.csrf)}">')


def notice(text: str, kind: str = "info") -> Html:
    """``kind``: info, ok or error; said in words too, never by colour alone."""
    label = {"info": "提示", "ok": "已完成", "error": "未完成"}[kind]
    role = ' role="alert"' if kind == "error" else ""
    return Html(f'<p class="notice {kind}"{role}><strong>{label}：</strong>{esc(text)}</p>')


def table(headers: list[str], rows: list[list], *, empty: str = "暂无记录", cls: str = "",
          wrap: frozenset[int] = frozenset()) -> Html:
    """``wrap``: the columns whose text may break over lines (names of matters, notes); in a
    table of class ``compact`` the others keep numbers, codes and times on one line."""
    if not rows:
        return Html(f'<p class="empty">{esc(empty)}</p>')
    head = join(Html(f"<th scope=col>{esc(h)}</th>") for h in headers)
    body = join(Html("<tr>" + join(Html(f'<td{" class=wrap" if i in wrap else ""}>{esc(c)}</td>')
                                    for i, c in enumerate(row)) + "</tr>") for row in rows)
    return Html(f'<div class="scroll"><table class="{esc(cls)}"><thead><tr>{head}</tr></thead>'
                f'<tbody>{body}</tbody></table></div>')


def hall_choice(halls: list[tuple[int, str]], chosen: int) -> Html:
    """The halls a supervisor sees (theirs and those below), when there is more than one."""
    if len(halls) < 2:
        return Html("")
    options = join(Html(f'<option value="{hid}"{" selected" if hid == chosen else ""}>{esc(name)}</option>')
                   for hid, name in halls)
    return Html(f'<label>大厅<select name="hall">{options}</select></label>')


def stat(label: str, value, note: str = "", cls: str = "") -> Html:
    small = f"<small>{esc(note)}</small>" if note else ""
    return Html(f'<div class="stat {esc(cls)}"><span class="label">{esc(label)}</span>'
                f'<span class="value">{esc(value)}</span>{small}</div>')


# --- formats -----------------------------------------------------------------

def when(iso_text: str | None) -> str:
    """``2026-11-23T10:15:00+08:00`` as ``2026-11-23 10:15``."""
    if not iso_text:
        return "—"
    return datetime.fromisoformat(iso_text).strftime("%Y-%m-%d %H:%M")


def minutes(value) -> str:
    return "—" if value is None else f"{value:g} 分钟"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def waited(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60:02d} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"
