"""The sign-in form: hall, helper code, PIN; and where a signed-in supervisor goes next."""
from __future__ import annotations

from kiosk.server.supervisor.layout import Html, document, esc, join, notice

HOME = "/supervisor/overview"
LOGIN_COOKIE = "bb_login"  # the form's own token: another site cannot post a sign-in for us


def safe_next(target: str | None) -> str:
    """Only our own pages: never another site, never back to the sign-in form."""
    if (not target or not target.startswith("/supervisor/") or "//" in target or "\\" in target
            or target.startswith("/supervisor/login")):
        return HOME
    return target


def render(halls: list[tuple[int, str]], form_token: str, *, next_url: str, code: str = "",
           hall_id: int | None = None, error: str | None = None) -> str:
    if len(halls) == 1:
        hall = Html(f'<input type="hidden" name="hall" value="{halls[0][0]}"><p class="hall-name">{esc(halls[0][1])}</p>')
    else:
        options = join(Html(f'<option value="{hid}"{" selected" if hid == hall_id else ""}>{esc(name)}</option>')
                       for hid, name in halls)
        hall = Html(f'<label>大厅<select name="hall" required>{options}</select></label>')
    problem = notice(error, "error") if error else ""
    body = Html(
        f'<main class="login"><h1>帮办代办 · 监督页面</h1><p class="hint">供协调员和首席帮办代办员查看大厅概况、'
        f'台账、到期代办件、回访整改和统计。</p>{problem}'
        f'<form method="post" action="/supervisor/login">{hall}'
        f'<input type="hidden" name="login_token" value="{esc(form_token)}">'
        f'<input type="hidden" name="next" value="{esc(next_url)}">'
        f'<label>工号<input name="code" value="{esc(code)}" inputmode="numeric" autocomplete="username" '
        f'maxlength="32" required autofocus></label>'
        f'<label>密码<input name="pin" type="password" inputmode="numeric" autocomplete="current-password" '
        f'maxlength="32" required></label><button type="submit">登录</button></form>'
        f'<p class="hint">连续输错密码会暂时锁定，窗口终端和本页面合并计数。</p></main>')
    return document("登录", body)
