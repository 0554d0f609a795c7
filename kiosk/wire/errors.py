"""The one error body every refusal of the API has."""
from __future__ import annotations

from pydantic import Field

from kiosk.wire.vocabulary import Answer


class ErrorDetail(Answer):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case, for programs and logs")
    message: str = Field(min_length=1, description="中文说明, for people")


class ErrorBody(Answer):
    error: ErrorDetail


class Unhealthy(ErrorBody):
    """``/healthz`` when the database does not answer (503)."""
    status: str
    db: str
