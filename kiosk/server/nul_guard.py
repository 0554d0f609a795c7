"""NUL characters are refused at the edge, before any route or database sees them.

PostgreSQL cannot store U+0000 in text (SQLite can): refusing it here, once, makes both
databases answer alike, with a clear 400, wherever it hides: the path, the query string, a
header, or a JSON or form body. Other bodies (captured pages) are binary and pass untouched.
"""
from __future__ import annotations

import re

from fastapi.responses import JSONResponse

from kiosk.server.body_limits import replay
from kiosk.server.errors import body

# \u0000 in a JSON string, not preceded by another backslash that would make it literal text
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
MESSAGE = "请求中含有空字符（NUL），无法处理：请删除这个不可见的字符后重新提交"


def nul_in_head(scope) -> bool:
    return ("\x00" in scope["path"] or b"\x00" in scope["query_string"] or b"%00" in scope["query_string"]
            or any(b"\x00" in value for _, value in scope["headers"]))


def nul_in_body(content_type: bytes, data: bytes) -> bool:
    if b"\x00" in data:
        return True
    if b"json" in content_type:
        return _JSON_NUL.search(data) is not None
    if b"x-www-form-urlencoded" in content_type:
        return b"%00" in data
    return False


def _content_type(scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.lower()
    return b""


class NulGuard:
    """Plain ASGI middleware, inside ``BodyLimits``, which hands JSON and form bodies on whole
    (and small); a body still in parts is a page upload's, which takes images and PDF only."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if nul_in_head(scope):
            return await _refuse(scope, receive, send)
        content_type = _content_type(scope)
        if b"json" in content_type or b"x-www-form-urlencoded" in content_type:
            message = await receive()
            whole = message["type"] == "http.request" and not message.get("more_body", False)
            if whole and nul_in_body(content_type, message.get("body", b"")):
                return await _refuse(scope, receive, send)
            receive = replay(message, receive)
        await self.app(scope, receive, send)


async def _refuse(scope, receive, send) -> None:
    await JSONResponse(body("nul_character", MESSAGE), status_code=400)(scope, receive, send)
