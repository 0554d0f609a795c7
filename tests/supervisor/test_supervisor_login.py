"""Signing in to the supervisor pages: who may, the lockout shared with the window terminals,
the cookie, CSRF, idle and absolute expiry, signing out."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import requests
from sqlalchemy import select, update

from kiosk.server.models import AuditEntry, Helper, WebSession
from kiosk.server.timeutil import utcnow
from tests.supervisor.web import CHIEF, COORDINATOR, HELPER, Web, demo_hall_id

PAGES = ["overview", "ledger", "cases", "follow-ups", "figures"]


def _audit(server, action: str) -> list[AuditEntry]:
    with server.database.read() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_chief_signs_in_with_a_strict_session_cookie_and_signs_out(live_server):
    web = Web(live_server)
    signed = web.login(CHIEF)
    assert signed.status_code == 303 and signed.headers["location"] == "/supervisor/overview"
    cookie = next(c for c in signed.headers["set-cookie"].split(", bb_") if c.startswith("bb_supervisor="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path=/supervisor", "samesite=strict"} <= flags
    assert not any(f.startswith(("max-age", "expires")) for f in flags)  # gone when the browser closes
    token = web.http.cookies["bb_supervisor"]
    assert token.startswith("bbw_")
    with live_server.database.read() as db:
        row = db.scalar(select(WebSession))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and row.ended_at is None
    assert row.expires_at - row.started_at == timedelta(hours=12)
    signed_in = _audit(live_server, "web.sign_in")
    assert len(signed_in) == 1 and signed_in[0].device_id is None and signed_in[0].helper_id == row.helper_id
    for page in PAGES:
        shown = web.get(f"/supervisor/{page}")
        assert shown.status_code == 200 and "李明华" in shown.text, page
        assert "frame-ancestors 'none'" in shown.headers["content-security-policy"]
        assert shown.headers["cache-control"] == "no-store"

    assert web.post("/supervisor/logout", {"csrf": "forged"}).status_code == 403  # not from our page
    out = web.post("/supervisor/logout", {"csrf": web.csrf()}, allow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/supervisor/login"
    with live_server.database.read() as db:
        assert db.scalar(select(WebSession)).ended_at is not None
    again = requests.get(live_server.url + "/supervisor/ledger", cookies={"bb_supervisor": token},
                         allow_redirects=False, timeout=10)
    assert again.status_code == 303 and again.headers["location"].startswith("/supervisor/login?next=")


def test_who_may_sign_in_and_from_which_form(sqlite_server):
    helper = Web(sqlite_server).login(HELPER)
    assert helper.status_code == 403 and "bb_supervisor" not in helper.headers.get("set-cookie", "")
    assert "您的角色是帮办员" in helper.text and "协调员和首席帮办代办员" in helper.text
    assert [e.detail["role"] for e in _audit(sqlite_server, "web.sign_in_refused")] == ["helper"]
    assert Web(sqlite_server).login(COORDINATOR).status_code == 303
    nobody = Web(sqlite_server)
    for page in PAGES:
        sent = nobody.get(f"/supervisor/{page}", allow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == f"/supervisor/login?next=%2Fsupervisor%2F{page}"

    web = Web(sqlite_server)  # the sign-in form must be ours, and next stays on our pages
    web.get("/supervisor/login")
    forged = web.post("/supervisor/login", {"hall": str(demo_hall_id(sqlite_server)), "code": CHIEF,
                                            "pin": "246810", "login_token": "guessed"}, allow_redirects=False)
    assert forged.status_code == 400 and "登录页面已过期" in forged.text
    for odd in ({"login_token": "令牌"}, {"hall": "²"}):  # what no form of ours sends
        token = re.search(r'name="login_token" value="([^"]+)"', web.get("/supervisor/login").text).group(1)
        sent = web.post("/supervisor/login", {"hall": "1", "code": CHIEF, "pin": "246810",
                                              "login_token": token, **odd}, allow_redirects=False)
        assert sent.status_code in (400, 422) and "bb_supervisor=" not in sent.headers.get("set-cookie", "")
    assert web.login(CHIEF, next_url="//evil.example/x").headers["location"] == "/supervisor/overview"
    assert Web(sqlite_server).login(CHIEF, next_url="/supervisor/figures?from=2026-01-01").headers[
        "location"] == "/supervisor/figures?from=2026-01-01"


def test_wrong_pins_lock_the_helper_out_here_and_at_the_windows(sqlite_server):
    web = Web(sqlite_server)
    for _ in range(5):
        wrong = web.login(CHIEF, pin="000000")
        assert wrong.status_code == 401 and "工号或密码不正确" in wrong.text
    locked = web.login(CHIEF)  # the right PIN, too late
    assert locked.status_code == 429 and "密码错误次数过多" in locked.text
    assert int(locked.headers["retry-after"]) > 0
    assert len(_audit(sqlite_server, "web.sign_in_failed")) == 5
    terminal = sqlite_server.device_token("window", 1)
    at_window = requests.post(sqlite_server.url + "/api/v1/sessions", timeout=10,
                              headers={"Authorization": f"Bearer {terminal}"},
                              json={"helper_code": CHIEF, "pin": "246810", "window": 1})
    assert at_window.status_code == 429  # one count for both ways in
    with sqlite_server.database.write() as db:  # the lock runs out
        db.execute(update(Helper).where(Helper.code == CHIEF).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert web.login(CHIEF).status_code == 303
    with sqlite_server.database.read() as db:
        assert db.scalar(select(Helper.failed_logins).where(Helper.code == CHIEF)) == 0
    unknown = [Web(sqlite_server).login("9999").status_code for _ in range(6)]
    assert unknown == [401] * 5 + [429]  # made-up codes are slowed down as well


def test_idle_and_absolute_expiry(sqlite_server):
    web = Web(sqlite_server)
    web.login(CHIEF)
    assert web.get("/supervisor/overview/live").status_code == 200
    with sqlite_server.database.write() as db:  # 29 minutes without a page asked for
        db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    assert web.get("/supervisor/overview/live").status_code == 200
    with sqlite_server.database.read() as db:  # the overview's own refresh keeps nothing alive
        assert utcnow() - db.scalar(select(WebSession.last_seen_at)) > timedelta(minutes=28)
    assert web.get("/supervisor/figures").status_code == 200  # a page asked for does
    with sqlite_server.database.write() as db:
        db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert web.get("/supervisor/overview/live").status_code == 401  # the refresher is told, not redirected
    assert web.get("/supervisor/figures", allow_redirects=False).status_code == 303

    fresh = Web(sqlite_server)
    fresh.login(COORDINATOR)
    with sqlite_server.database.write() as db:  # busy all day, but twelve hours are the most
        db.execute(update(WebSession).where(WebSession.ended_at.is_(None))
                   .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert fresh.get("/supervisor/overview", allow_redirects=False).status_code == 303
