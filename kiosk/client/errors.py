"""Typed errors of the HTTP client. Each carries the server's Chinese message (or our own
when the server cannot be reached) and an English code for logs and tests."""
from __future__ import annotations

UNREACHABLE_MESSAGE = "无法连接服务器，请稍候或联系引导台"


class ClientError(Exception):
    """Anything a terminal shows to a person: ``message`` is plain Chinese."""

    code = "client_error"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status

    def __str__(self) -> str:
        return self.message


class ServerUnreachable(ClientError):
    code = "server_unreachable"

    def __init__(self, detail: str = ""):
        super().__init__(UNREACHABLE_MESSAGE)
        self.detail = detail


class ApiError(ClientError):
    """The server answered with ``{"error": {"code", "message"}}`` and a 4xx/5xx status."""

    code = "api_error"


class BadCredentials(ApiError):  # 401
    code = "bad_credentials"


class Forbidden(ApiError):  # 403
    code = "forbidden"


class NotFound(ApiError):  # 404
    code = "not_found"


class Conflict(ApiError):  # 409: e.g. the window still holds a ticket
    code = "conflict"


class Invalid(ApiError):  # 400 / 422
    code = "invalid"


class TooManyAttempts(ApiError):  # 429: sign-in locked for a while
    code = "too_many_attempts"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 retry_after_s: int | None = None):
        super().__init__(message, code=code, status=status)
        self.retry_after_s = retry_after_s


class ServerTrouble(ApiError):  # 5xx: the database is away, or a bug
    code = "server_trouble"


BY_STATUS: dict[int, type[ApiError]] = {
    400: Invalid, 401: BadCredentials, 403: Forbidden, 404: NotFound, 409: Conflict,
    422: Invalid, 429: TooManyAttempts,
}
