"""Every error the API gives: a 4xx status, a snake_case code and a Chinese message
(``kiosk.wire.errors.ErrorBody``), and what the OpenAPI document says of them."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.routing import iter_route_contexts
from starlette.routing import get_route_path

from kiosk.wire.errors import ErrorBody
from kiosk.wire.vocabulary import REFUSALS

log = logging.getLogger("bangban.server")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"找不到该{what}")


def database_away() -> ApiError:
    return ApiError(503, "db_unavailable", "数据库暂时无法连接，请稍后重试；如持续出现请联系管理员",
                    headers={"Retry-After": "2"})


def body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


HTTP_DEFAULTS = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "需要登录或有效的设备令牌"),
    403: ("forbidden", "无权进行此操作"),
    404: ("not_found", "找不到请求的地址"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    406: ("not_acceptable", "无法提供所要求的格式"),
    415: ("unsupported_media_type", "请求内容必须是 JSON"),
}

# What each refusal means, as the OpenAPI document says it.
MEANINGS = {
    400: "请求格式不正确", 401: "缺少令牌，或令牌无效、已失效", 403: "此设备或账号无权进行该操作",
    404: "找不到所指的对象", 409: "与当前状态冲突（如窗口尚有未办结的号）", 410: "文件已不在服务器上",
    413: "请求内容过大", 415: "不支持的内容类型", 422: "请求内容不正确（中文说明见 message）",
    429: "尝试过于频繁，请按 Retry-After 等候后再试", 503: "数据库暂时无法连接，请按 Retry-After 等候后重试",
}
_RETRY_AFTER = {"Retry-After": {"description": "几秒后再试", "schema": {"type": "integer"}}}


def answers(*statuses: int) -> dict:
    """The OpenAPI ``responses`` of these refusals, each with the real error body."""
    return {status: {"model": ErrorBody, "description": MEANINGS[status],
                     **({"headers": _RETRY_AFTER} if status in (429, 503) else {})}
            for status in statuses}


FIELD_NAMES = {
    "matter_id": "事项", "queue_id": "队列", "service_type": "服务类型",
    "priority_group": "优先群体", "phone": "手机号", "helper_code": "工号", "pin": "密码",
    "window": "窗口号", "score": "评分", "pad_seq": "评价器序号", "outcome": "办理结果",
    "log": "工作日志", "to_window": "目标窗口", "to_queue": "目标队列", "note": "备注",
    "applicant": "申请人", "applicant_kind": "申请人类型", "id_number": "证件号码", "delivery": "送达方式",
    "action": "操作", "reason": "原因", "resume_by": "续办期限", "direction": "移交方向", "name": "名称",
    "copies": "份数", "ticket_id": "号码", "to_hall": "目标大厅", "result": "办理结果",
    "from": "开始日期", "to": "结束日期", "service_id": "服务", "pressed_at": "按键时间",
    "component": "部件", "ok": "是否正常", "message": "说明", "original": "是否原件",
    "summary": "问题描述", "status": "状态", "handling": "处理情况", "method": "交付方式", "carrier": "快递公司",
    "tracking_number": "运单号", "code": "查询码", "accept": "是否接收", "answer": "答复",
    "day": "日期", "start": "开始时间", "proposed_at": "希望上门时间", "scheduled_at": "上门时间",
    "first": "开始日期", "last": "结束日期",
}
_KINDS = {"int_type": "应为整数", "bool_type": "应为 true 或 false", "string_type": "应为文字",
          "too_long": "过长", "string_too_long": "过长", "string_too_short": "不能为空"}


def _describe(error: dict) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
    field = FIELD_NAMES.get(loc[-1], loc[-1]) if loc else "请求内容"
    kind = error.get("type", "")
    if kind == "missing":
        return f"缺少{field}"
    if kind in ("json_invalid", "json_type", "model_attributes_type", "dict_type"):
        return "请求内容不是有效的 JSON 对象"
    if kind == "extra_forbidden":
        return f"不认识的字段 {loc[-1] if loc else ''}"
    if kind.startswith("literal") or kind == "enum":
        return f"{field}的取值不在允许范围内"
    if kind == "not_iso":
        return f"{field}{error['msg']}"
    if kind in _KINDS:
        return f"{field}{_KINDS[kind]}"
    return f"{field}的值不正确"


def _validation_answer(errors: list[dict]) -> tuple[str, str]:
    """A rule of the request's own (``kiosk.wire.vocabulary.REFUSALS``) answers with its own
    code; anything else is ``invalid_request`` naming the fields."""
    for error in errors:
        if error.get("type") in REFUSALS:
            return error["type"], error["msg"]
    return "invalid_request", "；".join(dict.fromkeys(_describe(e) for e in errors[:5])) or "请求内容不正确"


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: a path's routes are separate (GET and
    POST /api/v1/devices/health), and the router names only the first one's."""
    path, methods = get_route_path(request.scope), set()
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(path):
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        return JSONResponse(body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        return JSONResponse(body(*_validation_answer(exc.errors())), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code, message = HTTP_DEFAULTS.get(exc.status_code, ("http_error", "请求无法处理"))
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        return JSONResponse(body(code, message), status_code=exc.status_code, headers=headers)

    @app.exception_handler(OperationalError)
    async def _database_away(_request: Request, exc: OperationalError):
        log.warning("database unreachable: %s", exc.orig)
        away = database_away()
        return JSONResponse(body(away.code, away.message), status_code=away.status, headers=away.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception):
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(body("internal_error", "服务器内部错误，请联系管理员"), status_code=500)
