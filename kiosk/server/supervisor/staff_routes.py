"""人员名册: the staff register's page. Add, change, deactivate or restore a helper, reset a PIN;
a new PIN is shown once on the answer to the form that made it, never kept but as a hash."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.server import hall_setup, staff_register
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import ApiError
from kiosk.server.hall_setup import Editor
from kiosk.server.models import Hall
from kiosk.server.supervisor import forms, sessions, templates
from kiosk.server.supervisor.layout import respond
from kiosk.server.supervisor.sessions import Supervisor, supervisor
from kiosk.server.supervisor.setup_forms import FieldsRefused, first, form_lists, spec_of
from kiosk.server.supervisor.setup_pages import done_message, last_change
from kiosk.server.supervisor.setup_routes import target_hall
from kiosk.domain.roles import ROLE_NAMES
from kiosk.wire.setup import NewStaff, StaffSpec

router = APIRouter(include_in_schema=False)  # included by routes.router, under /supervisor
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
LABELS = {"code": "工号", "name": "姓名", "post": "职务", "unit": "所在单位", "phone": "联系电话（公示）",
          "skills": "帮办业务领域", "role": "角色", "started_on": "到岗日期", "full_time": "专职"}


def show(who: Supervisor, bb: ServerState, asked: str | None, status: int = 200, **shown) -> Response:
    with bb.db.read() as db:
        halls = forms.halls_seen(db, who)
        try:
            hall_id = target_hall(halls, asked, who.caller.hall_id)
        except ApiError as exc:
            hall_id, status, shown["error"] = who.caller.hall_id, exc.status, exc.message
        shown["ok"] = shown.get("ok") or done_message(db, hall_id, shown.pop("done", None))
        page = templates.render(
            "staff_register.html", who=who, halls=halls, hall_id=hall_id, hall=db.get(Hall, hall_id),
            staff=staff_register.register(db, hall_id), can_edit=who.helper.role in hall_setup.EDITORS,
            LABELS=LABELS, role_choices=list(ROLE_NAMES.items()), yes_no=[("是", "是"), ("否", "否")],
            **{"errors": {}, "values": {}, "error": "", "edit": None, "pin": None} | shown)
    return respond(page, status)


@router.get("/staff")
def staff_page(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    q = request.query_params
    return show(who, bb, q.get("hall"), edit=forms.number(q.get("edit")), done=forms.number(q.get("ok")))


def change(request: Request, form: dict, who: Supervisor, bb: ServerState, work, edit: int | None = None) -> Response:
    """``work(db, editor, hall_id)``; a PIN it returns is shown on the answer, not redirected."""
    asked = first(form, "hall")
    values = {k: v[0] for k, v in form.items()}
    try:
        if not sessions.csrf_ok(request.cookies.get(sessions.COOKIE, ""), first(form, "csrf")):
            raise ApiError(403, "bad_csrf", "表单已过期或来自其他网站，请刷新页面后重试")
        with bb.db.write() as db:
            hall_id = target_hall(forms.halls_seen(db, who), asked, who.caller.hall_id)
            hall_setup.may_edit(db, who.caller, hall_id)
            pin = work(db, Editor(who.caller), hall_id)
            db.flush()
            entry = last_change(db, hall_id)
            summary = done_message(db, hall_id, entry)
    except FieldsRefused as exc:
        return show(who, bb, asked, 422, errors=exc.errors, values=values, edit=edit,
                    error=f"有 {len(exc.errors)} 处需要修改：{'；'.join(exc.errors.values())}")
    except ApiError as exc:
        return show(who, bb, asked, exc.status, error=exc.message, values=values, edit=edit)
    bb.callers.clear()  # a deactivated helper's tokens stop working now
    if pin:
        return show(who, bb, str(hall_id), ok=summary, pin=pin)
    return RedirectResponse(f"/supervisor/staff?hall={hall_id}&ok={entry}", status_code=303)


@router.post("/staff")
def add_staff(request: Request, form: dict = Depends(form_lists), who: Supervisor = Depends(supervisor),
              bb: ServerState = Depends(server)):
    def work(db, editor, hall_id):
        helper, pin = staff_register.add(db, editor, hall_id, spec_of(NewStaff, form, LABELS))
        return (helper.code, helper.name, pin)
    return change(request, form, who, bb, work)


@router.post("/staff/{item_id}")
def update_staff(item_id: ItemId, request: Request, form: dict = Depends(form_lists),
                 who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    def work(db, editor, hall_id):
        staff_register.update(db, editor, hall_id, item_id, spec_of(StaffSpec, form, LABELS))
    return change(request, form, who, bb, work, edit=item_id)


@router.post("/staff/{item_id}/{action}")
def act_on_staff(item_id: ItemId, action: str, request: Request, form: dict = Depends(form_lists),
                 who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    def work(db, editor, hall_id):
        if action == "reset-pin":
            helper, pin = staff_register.reset_pin(db, editor, hall_id, item_id)
            return (helper.code, helper.name, pin)
        if action not in ("deactivate", "activate"):
            raise ApiError(404, "not_found", "找不到该页面")
        staff_register.set_active(db, editor, hall_id, item_id, action == "activate")
    return change(request, form, who, bb, work)
