"""The page the 受理单's QR code opens (seeds 001, 004: 及时将委托事项办理情况告知申请人): the
case's state, deadline, next step and every change, with no personal data beyond a masked
name. With the 6-digit code printed on the 受理单 the applicant also rates the completed case,
confirms a posted result arrived, or downloads the electronic result (once)."""
from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import ValidationError

from kiosk.domain import case_states
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.server import case_delivery, case_public, case_ratings
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.stored_files import EXTENSIONS, kept
from kiosk.server.schemas import PublicCaseCode, PublicCaseRating
from kiosk.wire.answers import Rating
from kiosk.wire.records import PublicCase

router = APIRouter(tags=["public"])
Token = Annotated[str, Path(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
MAX_FORM_BYTES = 2000


def _rate(bb: ServerState, token: str, code: str, score: int) -> Rating:
    return case_public.with_code(bb.db, token, code, lambda db, case: case_ratings.rating_out(
        case_ratings.rate_on_page(db, case, score)))


def _confirm(bb: ServerState, token: str, code: str) -> dict:
    def work(db, case):
        case_delivery.confirm_receipt(db, None, case, "服务对象在查询页确认签收")
        return case_public.public_view(db, case)
    return case_public.with_code(bb.db, token, code, work)


def _result(bb: ServerState, token: str, code: str) -> FileResponse:
    def work(db, case):
        doc = case_delivery.fetch_result(db, case)
        return doc.path, doc.content_type, f"{case.number or 'result'}"
    relative, kind, name = case_public.with_code(bb.db, token, code, work)
    path = kept(bb.settings.data_dir, relative, "办理结果文件已不在服务器上，请联系帮办代办员")
    return FileResponse(path, media_type=kind, filename=f"{name}.{EXTENSIONS[kind]}",
                        headers={"Cache-Control": "no-store"})


WITH_CODE = answers(403, 404, 409, 413, 422, 429, 503)  # 403 wrong_code; 429 code_locked after too many


@router.get("/api/v1/public/cases/{token}", response_model=PublicCase, responses=answers(404, 422, 503))
def case_status(token: Token, bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        return case_public.public_view(db, case_public.by_token(db, token))


@router.post("/api/v1/public/cases/{token}/rating", status_code=201, response_model=Rating, responses=WITH_CODE)
async def rate_case(token: Token, req: PublicCaseRating, bb: ServerState = Depends(server)):
    return await run_in_threadpool(_rate, bb, token, req.code, req.score)


@router.post("/api/v1/public/cases/{token}/receipt", response_model=PublicCase, responses=WITH_CODE)
async def confirm_receipt(token: Token, req: PublicCaseCode, bb: ServerState = Depends(server)):
    return await run_in_threadpool(_confirm, bb, token, req.code)


@router.post("/api/v1/public/cases/{token}/result", response_class=FileResponse,
             responses={200: {"content": {t: {} for t in EXTENSIONS}, "description": "办理结果文件"},
                        **answers(403, 404, 409, 410, 413, 422, 429, 503)})
async def download_result(token: Token, req: PublicCaseCode, bb: ServerState = Depends(server)):
    return await run_in_threadpool(_result, bb, token, req.code)


# The page itself, for any phone's browser: plain HTML forms, no script; text at 18 pt (24 px) and
# buttons 60 px high, as domain.md's age-friendly rules ask.
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>代办件办理进度 · {hall}</title>
<style>body{{font-family:sans-serif;margin:1em;font-size:24px;line-height:1.5;color:#111;max-width:40em}}
h1{{font-size:30px;margin:.3em 0}}.state{{font-size:32px;font-weight:bold}}
.next{{border-left:6px solid #333;padding-left:.6em}}
ol{{padding-left:1.2em}}small{{color:#444}}fieldset{{border:1px solid #888;margin:1em 0;padding:.6em}}
input,button{{font-size:24px;padding:.3em}}label{{display:block;margin:.4em 0}}
input[type=radio]{{width:1.4em;height:1.4em;vertical-align:middle}}button{{min-height:60px;min-width:8em}}
.ok{{border:3px solid #111;padding:.5em}}.error{{border:3px dashed #111;padding:.5em}}</style>
</head><body><p>{hall}</p><h1>代办件办理进度</h1>{notice}
<p>编号：{number}<br>事项：{matter}<br>申请人：{applicant}{handling}</p>
<p class="state">当前状态：{state}</p><p class="next">下一步：{next_step}</p>{dates}{delivery}{forms}
<h2>办理记录</h2><ol>{history}</ol>
<p><small>帮办代办服务全程免费。本页不显示您的证件号码和电话。</small></p></body></html>"""
CODE_FIELD = ('<label>受理单上的 6 位查询码 <input name="code" inputmode="numeric" pattern="[0-9]{6}" '
              'maxlength="6" required autocomplete="off"></label>')


def _form(token: str, action: str, legend: str, body: str, button: str) -> str:
    return (f'<form method="post" action="/c/{escape(token)}"><fieldset><legend>{legend}</legend>'
            f'<input type="hidden" name="action" value="{action}">{body}{CODE_FIELD}'
            f'<button type="submit">{button}</button></fieldset></form>')


def render(token: str, view: dict, notice: str = "", error: bool = False) -> str:
    dates = ""
    if view["deadline"] and view["state"] in case_states.OPEN:
        dates += f"<p>承诺办结期限：{escape(view['deadline'])}</p>"
    if view["resume_by"]:
        dates += f"<p>续办期限：{escape(view['resume_by'])}</p>"
    if view["reason_name"] and view["state"] in ("suspended", "terminated"):
        dates += f"<p>原因：{escape(view['reason_name'])}</p>"
    delivery = ""
    if view["delivery"]:
        d = view["delivery"]
        delivery = f"<p>交付方式：{escape(d['method_name'])}"
        if d["carrier"]:
            delivery += f"（{escape(d['carrier'])}，运单尾号 {escape(d['tracking_tail'])}）"
        delivery += "</p>"
    forms = ""  # the next step's form first, the rating after it
    if view["may_confirm_receipt"]:
        forms += _form(token, "receipt", "收到邮寄的办理结果后请确认签收", "", "确认已收到")
    if view["may_download"]:
        forms += _form(token, "result", "下载电子办理结果（仅可下载一次）", "", "下载")
    if view["may_rate"]:
        choices = "".join(f'<label><input type="radio" name="score" value="{s}" required> {escape(n)}</label>'
                          for s, n in SCORE_NAMES.items())
        forms += _form(token, "rate", "请对本次代办服务进行评价（仅可评价一次）", choices, "提交评价")
    elif view["rated"]:
        forms += "<p>您已评价，谢谢！</p>"
    history = "".join(f"<li>{escape(h['at'][:16].replace('T', ' '))} {escape(h['action_name'])}"
                      f"（{escape(h['state_name'])}）</li>" for h in view["history"])
    handling = f"<br>现由：{escape(view['handling_hall'])}办理" if view["handling_hall"] else ""
    shown = f'<p class="{"error" if error else "ok"}" role="status">{escape(notice)}</p>' if notice else ""
    return PAGE.format(hall=escape(view["hall"]), notice=shown, number=escape(view["number"] or "（待受理）"),
                       matter=escape(view["matter"]), applicant=escape(view["applicant"]), handling=handling,
                       state=escape(view["state_name"]), next_step=escape(view["next_step"]), dates=dates,
                       delivery=delivery, forms=forms, history=history)


def _page(bb: ServerState, token: str, notice: str = "", status: int = 200) -> HTMLResponse:
    with bb.db.read() as db:
        view = case_public.public_view(db, case_public.by_token(db, token))
    return HTMLResponse(render(token, view, notice, error=status >= 400), status_code=status,
                        headers={"Cache-Control": "no-store"})


def _missing(status: int = 404) -> HTMLResponse:
    return HTMLResponse("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
                        "<p style='font-size:24px'>找不到该代办件，请核对受理单上的二维码或联系帮办代办员。</p>",
                        status_code=status)


@router.get("/c/{token}", response_class=HTMLResponse, include_in_schema=False)
def case_page(token: Annotated[str, Path(max_length=40)], bb: ServerState = Depends(server)):
    try:
        return _page(bb, token)
    except ApiError:
        return _missing()


@router.post("/c/{token}", response_class=HTMLResponse, include_in_schema=False)
async def case_page_form(token: Annotated[str, Path(max_length=40)], request: Request,
                         bb: ServerState = Depends(server)) -> Response:
    """The page's forms, posted as a browser posts them (application/x-www-form-urlencoded)."""
    raw = await request.body()
    fields = {k: v[0] for k, v in parse_qs(raw[:MAX_FORM_BYTES].decode("utf-8", "replace")).items()}
    action = fields.get("action", "")
    try:
        if action == "rate":
            # a form's fields are text: read laxly, unlike the JSON route's strict body
            checked = PublicCaseRating.model_validate({"code": fields.get("code", ""), "score": fields.get("score") or 0},
                                                      strict=False)
            await run_in_threadpool(_rate, bb, token, checked.code, checked.score)
            return await run_in_threadpool(_page, bb, token, "谢谢您的评价！", 201)
        checked = PublicCaseCode.model_validate({"code": fields.get("code", "")}, strict=False)
        if action == "receipt":
            await run_in_threadpool(_confirm, bb, token, checked.code)
            return await run_in_threadpool(_page, bb, token, "已确认签收，代办服务结果交付完成。")
        if action == "result":
            return await run_in_threadpool(_result, bb, token, checked.code)
        raise ApiError(422, "invalid_request", "请求不正确，请刷新页面后重试")
    except ValidationError:
        message, status = "请输入受理单上的 6 位数字查询码，并选择评价", 422
    except ApiError as exc:
        if exc.code == "not_found" and "代办件" in exc.message:
            return _missing()
        message, status = exc.message, exc.status
    return await run_in_threadpool(_page, bb, token, message, status)
