"""How much of a request body the server reads: a limit per route, enforced before any route
or parser sees the body, and only a few KB from anyone who has not shown who they are.

A body declared larger than its route allows is refused with 413 before a byte of it is read;
one sent in chunks is counted as it comes and refused as soon as it passes the limit. Past
``UNKNOWN_CALLER_BYTES`` the caller's token (or supervisor cookie) is checked first, so a
stranger cannot make the server read more. Bodies of JSON and form routes are small and read
here whole, then handed on; a page upload streams through, counted.
"""
from __future__ import annotations

import re

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from kiosk.server import deps
from kiosk.server.errors import ApiError, body, database_away
from kiosk.server.supervisor import forms, sessions, setup_forms
from kiosk.config.server import Settings

UNKNOWN_CALLER_BYTES = 4 * 1024
SYNC_UP_PATH = "/api/v1/sync/up"
SYNC_UP_MAX_BYTES = 64 * 1024 * 1024
# a captured page: a ticket's, a case's signed form, or a case's electronic result
PAGE_UPLOAD = re.compile(
    r"/api/v1/(tickets/[^/]+/documents|cases/[^/]+/(signatures/[^/]+|delivery/result)|home-visits/[^/]+/pages)/?")
# the citizens' own routes (booking, a case's page): nobody there has a token to show, so what a
# stranger may send is all they may send, refused as too long (not as unknown) past it
CITIZEN_ROUTE = re.compile(r"/api/v1/public/.*|/(book|b|c)/[^/]+/?")


class BodyTooLarge(ApiError):
    def __init__(self, limit: int, page: bool):
        message = (f"文件超过 {limit / 2**20:g} MB，请降低分辨率后重新拍摄" if page
                   else f"提交的内容过长：最多 {limit // 1024} KB")
        super().__init__(413, "too_large", message)


def route_limit(settings: Settings, method: str, path: str) -> tuple[int, bool]:
    """The most a request to this route may send, and whether it is a page upload (streamed)."""
    if method == "POST" and PAGE_UPLOAD.fullmatch(path):
        return settings.max_page_bytes, True
    if method == "POST" and path == setup_forms.IMPORT_PATH:  # a 事项清单 file, read whole
        return setup_forms.IMPORT_MAX_BYTES, False
    if method == "POST" and path == SYNC_UP_PATH:  # a hall server's batch, pages and all
        return SYNC_UP_MAX_BYTES, False
    if path.startswith("/supervisor/"):
        return forms.MAX_BODY, False
    if CITIZEN_ROUTE.fullmatch(path):
        return UNKNOWN_CALLER_BYTES, False
    return settings.max_json_bytes, False


async def _identify(scope) -> None:
    """Raises ApiError (401) unless the request carries a valid token or supervisor session."""
    request = Request(scope)
    if scope["path"].startswith("/supervisor/") and request.cookies.get(sessions.COOKIE):
        if await run_in_threadpool(sessions.current, request, touch=False) is None:
            raise ApiError(401, "unauthorized", "登录已过期，请重新登录")
        return
    await deps.caller(request)


class BodyLimits:
    """Plain ASGI middleware; ``settings`` are the server's."""

    def __init__(self, app, settings: Settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        try:
            receive = await self._bounded(scope, receive)
        except ApiError as exc:
            return await _refuse(exc, scope, receive, send)
        except OperationalError:  # checking the token needed the database, and it is away
            return await _refuse(database_away(), scope, receive, send)
        await self.app(scope, receive, send)

    async def _bounded(self, scope, receive):
        """The receive the app gets: the original when there is no body, else one within limits."""
        limit, page = route_limit(self.settings, scope["method"], scope["path"])
        declared = _declared_length(scope)
        if not declared and not any(name == b"transfer-encoding" for name, _ in scope["headers"]):
            return receive  # no body (most requests)
        if declared is not None and declared > limit:
            raise BodyTooLarge(limit, page)
        if declared is not None and declared > UNKNOWN_CALLER_BYTES:
            await _identify(scope)
        counted = _Counted(receive, scope, limit, page, identified=declared is not None)
        if page:
            return counted.receive
        # small: read here whole, so that no route or parser starts on a part
        return replay({"type": "http.request", "body": await counted.whole(), "more_body": False}, receive)


def _declared_length(scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            if not value.isdigit() or len(value) > 18:
                raise ApiError(400, "bad_request", "Content-Length 不正确")
            return int(value)
    return None


class _Counted:
    """The body as it comes, refused once past the limit, its sender checked once past a few KB."""

    def __init__(self, receive, scope, limit: int, page: bool, identified: bool):
        self._receive, self._scope, self._limit, self._page = receive, scope, limit, page
        self._seen, self._identified = 0, identified

    async def receive(self):
        message = await self._receive()
        if message["type"] == "http.request":
            self._seen += len(message.get("body", b""))
            if self._seen > self._limit:
                raise BodyTooLarge(self._limit, self._page)
            if self._seen > UNKNOWN_CALLER_BYTES and not self._identified:
                await _identify(self._scope)
                self._identified = True
        return message

    async def whole(self) -> bytes:
        parts = []
        while True:
            message = await self.receive()
            if message["type"] != "http.request":  # the client left: nothing to answer
                return b"".join(parts)
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(parts)


def replay(message: dict, receive):
    """A receive that gives a message read already, then what the client sends next (its leaving)."""
    given = False

    async def replayed():
        nonlocal given
        if not given:
            given = True
            return message
        return await receive()
    return replayed


async def _refuse(exc: ApiError, scope, receive, send) -> None:
    # the rest of the body is never read: the connection closes after the answer
    response = JSONResponse(body(exc.code, exc.message), status_code=exc.status,
                            headers={**(exc.headers or {}), "Connection": "close"})
    await response(scope, receive, send)
