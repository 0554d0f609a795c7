"""The addresses of the supervision pages: 投诉诉求, 随机回访, 考核. Each handler reads the
request, asks its page module, and answers; a form that changes something carries the CSRF token."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.server import ledger
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import ApiError
from kiosk.server.supervisor import assessment_page, complaints_page, forms, return_visits_page, sessions
from kiosk.server.supervisor.layout import respond
from kiosk.server.supervisor.sessions import Supervisor, supervisor
from kiosk.server.audit_trail import audit

router = APIRouter(include_in_schema=False)  # mounted under /supervisor by ``routes``
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _checked(request: Request, form: dict) -> None:
    if not sessions.csrf_ok(request.cookies.get(sessions.COOKIE, ""), form.get("csrf")):
        raise ApiError(403, "bad_csrf", "表单已过期或来自其他网站，请刷新页面后重试")


# --- 投诉诉求 ---------------------------------------------------------------------

def _complaints(who: Supervisor, bb: ServerState, status: int = 200, **shown) -> Response:
    with bb.db.read() as db:
        data = complaints_page.gather(db, who.caller.hall_id)
    return respond(complaints_page.render(who, data, **shown), status)


@router.get("/complaints")
def complaints_screen(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    params = request.query_params
    done = None
    if forms.number(params.get("registered")):
        done = f"第 {params['registered']} 号已登记。"
    elif forms.number(params.get("handled")):
        done = f"第 {params['handled']} 号已处理完毕。"
    return _complaints(who, bb, done=done)


@router.get("/complaints/export")
def export_complaints(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    """诉求台账 as CSV or XLSX, with the ledger's own writers; every export audited."""
    fmt = request.query_params.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(422, "invalid_request", "导出格式只能是 csv 或 xlsx")
    with bb.db.write() as db:
        rows = complaints_page.register_rows(db, who.caller.hall_id)
        audit(db, who.caller, "complaints.exported", format=fmt, rows=len(rows))
    if fmt == "csv":
        content, media = ledger.to_csv(rows, complaints_page.COLUMNS), "text/csv; charset=utf-8"
    else:
        content = ledger.to_xlsx(rows, complaints_page.COLUMNS, "诉求台账")
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="complaints.{fmt}"', "Cache-Control": "no-store"})


@router.post("/complaints")
def register_complaint(request: Request, form: dict = Depends(forms.form_body),
                       who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    try:
        _checked(request, form)
        with bb.db.write() as db:
            new_id = complaints_page.register(db, who, form, bb.calendar)
    except complaints_page.FormRefused as exc:
        return _complaints(who, bb, 422, values=form, errors=exc.errors)
    except ApiError as exc:
        field = {"unknown_helper": "helper_id", "unknown_window": "window"}.get(exc.code, "subject")
        return _complaints(who, bb, exc.status, values=form, errors={field: exc.message})
    return _see_other(f"/supervisor/complaints?registered={new_id}")


@router.post("/complaints/{complaint_id}/handle")
def handle_complaint(complaint_id: RowId, request: Request, form: dict = Depends(forms.form_body),
                     who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    try:
        _checked(request, form)
        with bb.db.write() as db:
            complaints_page.handle(db, who, complaint_id, form)
    except ApiError as exc:
        return _complaints(who, bb, exc.status, error=(complaint_id, exc.message))
    return _see_other(f"/supervisor/complaints?handled={complaint_id}")


# --- 随机回访 ---------------------------------------------------------------------

def _visits(who: Supervisor, bb: ServerState, status: int = 200, **shown) -> Response:
    with bb.db.read() as db:
        data = return_visits_page.gather(db, who.caller.hall_id)
    return respond(return_visits_page.render(who, data, **shown), status)


@router.get("/return-visits")
def return_visits_screen(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    params, done = request.query_params, None
    if forms.number(params.get("drawn")) is not None:
        done = f"已从 {forms.number(params.get('of')) or 0} 件中随机抽取 {params['drawn']} 件。"
    elif forms.number(params.get("recorded")):
        done = f"第 {params['recorded']} 号回访已记录。"
    return _visits(who, bb, done=done)


@router.post("/return-visits/draw")
def draw_return_visits(request: Request, form: dict = Depends(forms.form_body),
                       who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    try:
        _checked(request, form)
        with bb.db.write() as db:
            drawn, population = return_visits_page.draw(db, who, form)
    except ApiError as exc:
        return _visits(who, bb, exc.status, error=(0, exc.message))
    return _see_other(f"/supervisor/return-visits?drawn={drawn}&of={population}")


@router.post("/return-visits/{visit_id}/result")
def record_return_visit(visit_id: RowId, request: Request, form: dict = Depends(forms.form_body),
                        who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    try:
        _checked(request, form)
        with bb.db.write() as db:
            return_visits_page.record(db, who, visit_id, form)
    except ApiError as exc:
        return _visits(who, bb, exc.status, error=(visit_id, exc.message))
    return _see_other(f"/supervisor/return-visits?recorded={visit_id}")


# --- 考核 -------------------------------------------------------------------------

def _assessment(request: Request, who: Supervisor, bb: ServerState, hall_text: str | None, year_text: str | None,
                status: int = 200, **shown) -> Response:
    with bb.db.read() as db:
        halls = forms.halls_seen(db, who)
        hall_id = forms.chosen_hall(halls, hall_text, who.caller.hall_id)
        try:
            year = assessment_page.year_of(year_text)
        except ApiError as exc:
            year, status, shown = assessment_page.year_of(None), exc.status, {**shown, "error": exc.message}
        data = assessment_page.gather(db, who, hall_id, year)
    return respond(assessment_page.render(who, data, halls, hall_id, year, **shown), status)


@router.get("/assessment")
def assessment_screen(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    params = request.query_params
    done = "检查情况已保存，得分已重新计算。" if params.get("saved") == "1" else None
    return _assessment(request, who, bb, params.get("hall"), params.get("year"), done=done)


@router.post("/assessment/{hall_id}/entries")
def enter_assessment(hall_id: RowId, request: Request, form: dict = Depends(forms.form_body),
                     who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    try:
        _checked(request, form)
        with bb.db.write() as db:
            year = assessment_page.enter(db, who, hall_id, form)
    except ApiError as exc:
        return _assessment(request, who, bb, str(hall_id), form.get("year"), exc.status, error=exc.message)
    return _see_other(f"/supervisor/assessment?hall={hall_id}&year={year}&saved=1")
