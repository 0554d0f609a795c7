"""The setup pages' addresses: one GET per tab, and one POST per change, each a call of the
setup service (``hall_setup``, ``matter_setup``, ``catalogue_import``) in one transaction.

A change that succeeds goes back to its tab, which confirms it in words (the change's own
audit summary); a refused one shows the tab again with the form as it was sent and why."""
from __future__ import annotations

from typing import Annotated, Callable

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.server import catalogue_import, hall_setup, matter_setup
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import ApiError
from kiosk.server.hall_setup import Editor
from kiosk.server.supervisor import forms, sessions, setup_pages
from kiosk.server.supervisor.layout import respond
from kiosk.server.supervisor.sessions import Supervisor, supervisor
from kiosk.server.supervisor.setup_forms import FieldsRefused, first, form_lists, spec_of, uploaded_file
from kiosk.server.timeutil import local_day, utcnow
from kiosk.wire.setup import AreaSpec, ClosureSpec, DayHours, MatterSpec, QueueSpec, WindowSpec

router = APIRouter(include_in_schema=False)  # included by routes.router, under /supervisor
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
L = setup_pages.LABELS


def target_hall(halls: list[tuple[int, str]], asked: str | None, own: int) -> int:
    """The hall asked for, which must be one the supervisor sees; their own when none is asked."""
    if not asked:
        return own
    wanted = forms.number(asked)
    if wanted not in {hid for hid, _ in halls}:
        raise ApiError(403, "forbidden", "您只能查看和修改本大厅及下级大厅的设置")
    return wanted


def show(tab: str, who: Supervisor, bb: ServerState, asked: str | None, status: int = 200, **shown) -> Response:
    with bb.db.read() as db:
        halls = forms.halls_seen(db, who)
        try:
            hall_id = target_hall(halls, asked, who.caller.hall_id)
        except ApiError as exc:
            hall_id, status, shown["error"] = who.caller.hall_id, exc.status, exc.message
        ok = setup_pages.done_message(db, hall_id, shown.pop("done", None))
        ctx = setup_pages.base(db, who, halls, hall_id, tab, ok=ok, **shown)
        return respond(setup_pages.RENDER[tab](db, ctx), status)


def page_of(tab: str):
    def handler(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
        q = request.query_params
        return show(tab, who, bb, q.get("hall"), edit=forms.number(q.get("edit")), done=forms.number(q.get("ok")))
    return handler


for _tab in setup_pages.RENDER:
    router.add_api_route(f"/{_tab}", page_of(_tab), methods=["GET"])


def change(request: Request, form: dict[str, list[str]], who: Supervisor, bb: ServerState, tab: str,
           work: Callable, edit: int | None = None) -> Response:
    """``work(db, editor, hall_id)`` as the signed-in editor, on the hall the form names."""
    asked = first(form, "hall")
    values = {k: v if k == "queue_ids" else v[0] for k, v in form.items()}
    try:
        if not sessions.csrf_ok(request.cookies.get(sessions.COOKIE, ""), first(form, "csrf")):
            raise ApiError(403, "bad_csrf", "表单已过期或来自其他网站，请刷新页面后重试")
        with bb.db.write() as db:
            hall_id = target_hall(forms.halls_seen(db, who), asked, who.caller.hall_id)
            hall_setup.may_edit(db, who.caller, hall_id)
            work(db, Editor(who.caller), hall_id)
            db.flush()
            entry = setup_pages.last_change(db, hall_id)
    except FieldsRefused as exc:
        return show(tab, who, bb, asked, 422, errors=exc.errors, values=values, edit=edit,
                    error=f"有 {len(exc.errors)} 处需要修改：{'；'.join(exc.errors.values())}")
    except ApiError as exc:
        return show(tab, who, bb, asked, exc.status, error=exc.message, values=values, edit=edit)
    bb.callers.clear()  # a window's name and queues, as signed-in terminals' callers hold them
    return RedirectResponse(f"/supervisor/{tab}?hall={hall_id}&ok={entry}", status_code=303)


def _window_spec(form, **given) -> WindowSpec:
    return spec_of(WindowSpec, form, L, queue_ids=[v for v in form.get("queue_ids", []) if v.strip()], **given)


def _week(form) -> dict[int, DayHours]:
    week, errors = {}, {}
    for day in range(1, 8):
        try:
            week[day] = spec_of(DayHours, {"opens": form.get(f"opens{day}", []), "closes": form.get(f"closes{day}", [])}, L)
        except FieldsRefused as exc:
            errors[f"opens{day}"] = next(iter(exc.errors.values()))
    if errors:
        raise FieldsRefused(errors)
    return week


# what each form does: (tab, work(db, editor, hall_id, form, item_id))
SAVES = {
    "areas": ("setup", lambda db, e, h, f, i: hall_setup.save_area(db, e, h, spec_of(AreaSpec, f, L), i)),
    "queues": ("setup", lambda db, e, h, f, i: hall_setup.save_queue(db, e, h, spec_of(QueueSpec, f, L), i)),
    "windows": ("setup/windows", lambda db, e, h, f, i: hall_setup.save_window(db, e, h, _window_spec(f), i)),
    "matters": ("setup/matters", lambda db, e, h, f, i: matter_setup.save_matter(db, e, h, spec_of(MatterSpec, f, L), i)),
    "closures": ("setup/hours", lambda db, e, h, f, i: hall_setup.add_closure(db, e, h, spec_of(ClosureSpec, f, L))),
}
ACTIONS = {
    ("areas", "delete"): ("setup", hall_setup.delete_area),
    ("queues", "delete"): ("setup", hall_setup.delete_queue),
    ("windows", "delete"): ("setup/windows", hall_setup.delete_window),
    ("matters", "delete"): ("setup/matters", matter_setup.remove_matter),
    ("matters", "restore"): ("setup/matters", matter_setup.restore_matter),
    ("closures", "delete"): ("setup/hours", hall_setup.delete_closure),
}


@router.post("/setup/hours")
def save_hours(request: Request, form: dict = Depends(form_lists), who: Supervisor = Depends(supervisor),
               bb: ServerState = Depends(server)):
    return change(request, form, who, bb, "setup/hours", lambda db, e, h: hall_setup.save_hours(db, e, h, _week(form)))


@router.post("/setup/matters/import")
async def import_matters(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    try:
        fields, name, data = await uploaded_file(request)
    except ApiError as exc:
        return show("setup/matters", who, bb, request.query_params.get("hall"), exc.status, error=exc.message)
    form = {k: [v] for k, v in fields.items()}
    outcome = {}

    def work(db, editor, hall_id):
        outcome["result"] = catalogue_import.apply(db, editor, hall_id, data, name)

    try:
        return change(request, form, who, bb, "setup/matters", work)
    except catalogue_import.ImportRefused as exc:
        return show("setup/matters", who, bb, fields.get("hall"), 422, import_errors=exc.errors,
                    error=f"“{name}”有 {len(exc.errors)} 处错误，整个文件未导入。请改正后重新导入。")


@router.get("/setup/matters/export")
def export_matters(request: Request, who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    fmt = request.query_params.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(422, "invalid_request", "导出格式只能是 csv 或 xlsx")
    with bb.db.read() as db:
        hall_id = target_hall(forms.halls_seen(db, who), request.query_params.get("hall"), who.caller.hall_id)
        content = catalogue_import.export(db, hall_id, fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else catalogue_import.XLSX_TYPE
    name = f"matters-{hall_id}-{local_day(utcnow()):%Y%m%d}.{fmt}"
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@router.post("/setup/windows/{item_id}/queues")
def move_window(item_id: ItemId, request: Request, form: dict = Depends(form_lists),
                who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    """窗口调整: the window's queues from now on, one action."""
    def work(db, editor, hall_id):
        queue_ids = [forms.number(v) for v in form.get("queue_ids", []) if v.strip()]
        if None in queue_ids:
            raise ApiError(422, "invalid_request", "请从列表中选择队列")
        hall_setup.move_window(db, editor, hall_id, item_id, queue_ids)
    return change(request, form, who, bb, "setup/windows", work)


@router.post("/setup/{thing}")
def add_item(thing: str, request: Request, form: dict = Depends(form_lists), who: Supervisor = Depends(supervisor),
             bb: ServerState = Depends(server)):
    if thing not in SAVES:
        raise ApiError(404, "not_found", "找不到该页面")
    tab, work = SAVES[thing]
    return change(request, form, who, bb, tab, lambda db, e, h: work(db, e, h, form, None))


@router.post("/setup/{thing}/{item_id}")
def update_item(thing: str, item_id: ItemId, request: Request, form: dict = Depends(form_lists),
                who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    if thing not in SAVES or thing == "closures":
        raise ApiError(404, "not_found", "找不到该页面")
    tab, work = SAVES[thing]
    return change(request, form, who, bb, tab, lambda db, e, h: work(db, e, h, form, item_id), edit=item_id)


@router.post("/setup/{thing}/{item_id}/{action}")
def act_on_item(thing: str, item_id: ItemId, action: str, request: Request, form: dict = Depends(form_lists),
                who: Supervisor = Depends(supervisor), bb: ServerState = Depends(server)):
    if (thing, action) not in ACTIONS:
        raise ApiError(404, "not_found", "找不到该页面")
    tab, work = ACTIONS[(thing, action)]
    return change(request, form, who, bb, tab, lambda db, e, h: work(db, e, h, item_id))
