"""The supervisor pages' addresses. Each handler reads the request, asks a page module for data
and HTML, and answers; the rules live in those modules and in the server's own functions."""
from __future__ import annotations

import secrets
from hmac import compare_digest
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.server import ledger
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import ApiError
from kiosk.server.supervisor import (
    bookings_page, cases_page, figures_page, follow_ups_page, forms, ledger_page, login_page, overview, sessions,
    setup_routes, signin, staff_routes,
)
from kiosk.server.supervisor import templates
from kiosk.server.supervisor.layout import problem, respond
from kiosk.server.supervisor.sessions import Supervisor, landing, reader, supervisor, supervisor_quiet

router = APIRouter(prefix="/supervisor", include_in_schema=False)
STATIC = FilePath(__file__).with_name("static")
STATIC_TYPES = {"supervisor.css": "text/css; charset=utf-8", "overview.js": "text/javascript; charset=utf-8"}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- signing in and out ------------------------------------------------------------

def _login_form(request: Request, bb: ServerState, status: int = 200, **shown) -> Response:
    token = secrets.token_urlsafe(24)
    with bb.db.read() as db:
        halls = [(h.id, h.name) for h in signin.halls_with_staff(db)]
    shown.setdefault("next_url", login_page.safe_next(request.query_params.get("next")))
    retry_after = shown.pop("retry_after", None)
    headers = {"Retry-After": retry_after} if retry_after else None
    response = respond(login_page.render(halls, token, **shown), status, headers)
    response.set_cookie(login_page.LOGIN_COOKIE, token, path="/supervisor/login", httponly=True,
                        samesite="strict", max_age=3600, secure=request.url.scheme == "https")
    return response


@router.get("")
@router.get("/")
def home():
    return _see_other(login_page.HOME)


@router.get("/login")
def login_form(request: Request, bb: ServerState = Depends(server)):
    if sessions.current(request, touch=False):
        return _see_other(login_page.safe_next(request.query_params.get("next")))
    return _login_form(request, bb)


@router.post("/login")
def login(request: Request, form: dict = Depends(forms.form_body), bb: ServerState = Depends(server)):
    next_url = login_page.safe_next(form.get("next"))
    code = form.get("code", "").strip()[:32]
    hall_id = forms.number(form.get("hall"))
    shown = {"next_url": next_url, "code": code, "hall_id": hall_id}
    expected = request.cookies.get(login_page.LOGIN_COOKIE, "")
    if not expected or not compare_digest(expected.encode(), form.get("login_token", "").encode()):
        return _login_form(request, bb, 400, error="登录页面已过期，请重新输入工号和密码。", **shown)
    if hall_id is None or not code or not form.get("pin"):
        return _login_form(request, bb, 422, error="请选择大厅并填写工号和密码。", **shown)
    address = request.client.host if request.client else ""
    try:
        with bb.db.write() as db:
            outcome = signin.check(db, bb.settings, hall_id, code, form["pin"][:32], address)
            token = None if isinstance(outcome, signin.Refused) else sessions.start(db, outcome, address)
            if token and request.cookies.get(sessions.COOKIE):  # whoever this browser was before
                sessions.end(db, request.cookies[sessions.COOKIE])
    except ApiError as exc:
        return _login_form(request, bb, exc.status, error=exc.message,
                           retry_after=(exc.headers or {}).get("Retry-After"), **shown)
    if token is None:
        return _login_form(request, bb, outcome.error.status, error=outcome.error.message, **shown)
    response = _see_other(landing(outcome.role, next_url))
    sessions.set_cookie(response, request, token)
    response.delete_cookie(login_page.LOGIN_COOKIE, path="/supervisor/login")
    return response


@router.post("/logout")
def logout(request: Request, form: dict = Depends(forms.form_body), bb: ServerState = Depends(server)):
    token = request.cookies.get(sessions.COOKIE, "")
    if token and not sessions.csrf_ok(token, form.get("csrf")):
        return respond(templates.render("form_expired.html"), 403)
    if token:
        with bb.db.write() as db:
            sessions.end(db, token)
    response = _see_other("/supervisor/login")
    sessions.clear_cookie(response, request)
    return response


def _checked(request: Request, who: Supervisor, form: dict) -> None:
    """Every form that changes something carries the session's CSRF token."""
    if not sessions.csrf_ok(request.cookies.get(sessions.COOKIE, ""), form.get("csrf")):
        raise ApiError(403, "bad_csrf", "表单已过期或来自其他网站，请刷新页面后重试")


# --- the pages -------------------------------------------------------------------

@router.get("/overview")
def overview_page(who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    return respond(overview.page(who, overview.gather(bb, who)))


@router.get("/overview/live")
def overview_live(who: Supervisor = Depends(supervisor_quiet), bb: ServerState = Depends(server)):
    return respond(overview.live(overview.gather(bb, who)))


def _ledger_query(request: Request, who: Supervisor, bb: ServerState):
    with bb.db.read() as db:
        halls = forms.halls_seen(db, who)
    return ledger_page.parse(request.query_params, halls, who.caller.hall_id), halls


@router.get("/ledger")
def ledger_screen(request: Request, who: Supervisor = Depends(reader), bb: ServerState = Depends(server)):
    try:
        lq, halls = _ledger_query(request, who, bb)
    except ApiError as exc:
        return respond(problem(who, "台账", "ledger", exc.message, "/supervisor/ledger", "重新查询"), exc.status)
    with bb.db.write() as db:
        rows, total = ledger_page.read(db, who, lq, paged=True)
        queues = ledger_page.queues(db, lq.hall_id)
    return respond(ledger_page.render(who, lq, rows, total, halls, queues))


@router.get("/ledger/export")
def ledger_export(request: Request, who: Supervisor = Depends(reader), bb: ServerState = Depends(server)):
    lq, _ = _ledger_query(request, who, bb)
    fmt = request.query_params.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(422, "invalid_request", "导出格式只能是 csv 或 xlsx")
    with bb.db.write() as db:
        rows, _ = ledger_page.read(db, who, lq, paged=False, format=fmt)
    columns, name = ledger_page.columns(lq.kind), f"{lq.kind}-{lq.first:%Y%m%d}-{lq.last:%Y%m%d}.{fmt}"
    if fmt == "csv":
        content, media = ledger.to_csv(rows, columns), "text/csv; charset=utf-8"
    else:
        content = ledger.to_xlsx(rows, columns, ledger_page.KINDS[lq.kind])
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@router.get("/cases")
def cases_screen(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    with bb.db.write() as db:
        halls = forms.halls_seen(db, who)
        hall_id = forms.chosen_hall(halls, request.query_params.get("hall"), who.caller.hall_id)
        data, lapsed = cases_page.gather(db, hall_id, bb.calendar)
    return respond(cases_page.render(who, data, halls, hall_id, lapsed))


def _follow_ups(who: Supervisor, bb: ServerState, status: int = 200, **shown) -> Response:
    with bb.db.read() as db:
        data = follow_ups_page.gather(db, who.caller.hall_id, bb.calendar)
    return respond(follow_ups_page.render(who, data, **shown), status)


@router.get("/follow-ups")
def follow_ups_screen(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    return _follow_ups(who, bb, done=forms.number(request.query_params.get("closed")))


@router.post("/follow-ups/{follow_up_id}/close")
def close_follow_up(follow_up_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request, form: dict = Depends(forms.form_body),
                    who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    try:
        _checked(request, who, form)
        with bb.db.write() as db:
            follow_ups_page.close(db, who, follow_up_id, form.get("note", ""))
    except ApiError as exc:
        return _follow_ups(who, bb, exc.status, error=(follow_up_id, exc.message))
    return _see_other(f"/supervisor/follow-ups?closed={follow_up_id}")


@router.get("/figures")
def figures_screen(request: Request, who: Supervisor = Depends(reader), bb: ServerState = Depends(server)):
    params = request.query_params
    with bb.db.read() as db:
        halls = forms.halls_seen(db, who)
        hall_id = forms.chosen_hall(halls, params.get("hall"), who.caller.hall_id)
        try:
            first, last = forms.date_range(params.get("from"), params.get("to"))
        except ApiError as exc:
            return respond(problem(who, "统计", "figures", exc.message, "/supervisor/figures", "查看最近 30 天"),
                           exc.status)
        data = figures_page.gather(db, hall_id, first, last)
    return respond(figures_page.render(who, data, halls, hall_id, refused=params.get("refused") == "1"))


router.include_router(setup_routes.router)  # 大厅设置
router.include_router(staff_routes.router)  # 人员名册


@router.get("/static/{name}")
def static(name: str):
    if name not in STATIC_TYPES:
        raise ApiError(404, "not_found", "找不到该文件")
    return Response((STATIC / name).read_bytes(), media_type=STATIC_TYPES[name],
                    headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


from kiosk.server.supervisor import supervision_pages  # noqa: E402  (投诉诉求, 随机回访, 考核)

router.include_router(supervision_pages.router)
router.include_router(bookings_page.router)  # 预约与上门: its own module's addresses
