"""Every error the API gives: a 4xx status, a snake_case code and a Chinese message."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

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

FIELD_NAMES = {
    "matter_id": "事项", "queue_id": "队列", "service_type": "服务类型",
    "priority_group": "优先群体", "phone": "手机号", "helper_code": "工号", "pin": "密码",
    "window": "窗口号", "score": "评分", "pad_seq": "评价器序号", "outcome": "办理结果",
    "log": "工作日志", "to_window": "目标窗口", "to_queue": "目标队列", "note": "备注",
    "applicant": "申请人", "applicant_kind": "申请人类型", "id_number": "证件号码", "delivery": "送达方式",
    "action": "操作", "reason": "原因", "resume_by": "续办期限", "direction": "移交方向", "name": "名称",
    "copies": "份数", "ticket_id": "号码", "to_hall": "目标大厅", "result": "办理结果",
    "summary": "问题描述", "status": "状态", "handling": "处理情况", "method": "交付方式", "carrier": "快递公司",
    "tracking_number": "运单号", "code": "查询码", "accept": "是否接收", "answer": "答复",
}


def _describe(error: dict) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
    field = FIELD_NAMES.get(loc[-1], loc[-1]) if loc else "请求内容"
    kind = error.get("type", "")
    if kind == "missing":
        return f"缺少{field}"
    if kind in ("json_invalid", "json_type"):
        return "请求内容不是有效的 JSON"
    if kind == "extra_forbidden":
        return f"不认识的字段 {loc[-1] if loc else ''}"
    if kind.startswith("literal") or kind == "enum":
        return f"{field}的取值不在允许范围内"
    return f"{field}的值不正确"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        return JSONResponse(body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        errors = exc.errors()
        message = "；".join(dict.fromkeys(_describe(e) for e in errors[:5])) or "请求内容不正确"
        return JSONResponse(body("invalid_request", message), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        code, message = HTTP_DEFAULTS.get(exc.status_code, ("http_error", "请求无法处理"))
        return JSONResponse(body(code, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def _database_away(_request: Request, exc: OperationalError):
        log.warning("database unreachable: %s", exc.orig)
        away = database_away()
        return JSONResponse(body(away.code, away.message), status_code=away.status, headers=away.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception):
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(body("internal_error", "服务器内部错误，请联系管理员"), status_code=500)
