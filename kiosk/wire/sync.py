"""The link between a hall server and the centre (``kiosk.server.sync``)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from kiosk.wire.vocabulary import Answer, Request


class SyncEntry(Request):
    """One change, as its origin's journal holds it: the row whole, in the origin's own times."""
    seq: int = Field(ge=1, le=2**62)
    tbl: str = Field(max_length=40)
    op: Literal["u", "d"]
    row: dict
    at: str = Field(max_length=40)  # when it was made, UTC
    file: str | None = None  # a captured page's bytes, base64


class SyncUp(Request):
    """A hall server's records, and how many it still holds after them."""
    node: int = Field(ge=1, le=127)
    entries: list[SyncEntry] = Field(max_length=10_000)
    backlog_records: int = Field(ge=0, le=2**40)
    backlog_s: float = Field(ge=0, le=10 * 365 * 86400)  # the oldest of them, by the hall's own clock


class SyncUpAnswer(Answer):
    applied_seq: int


class SyncDown(Answer):
    """The centre's changes for one hall server, past the one it asked after."""
    entries: list[dict]
    last_seq: int


class HallLink(Answer):
    """A hall server's link to the centre, as the centre sees it."""
    hall: str
    hall_name: str
    node: int
    state: Literal["up", "down"]
    flagged: bool  # down for longer than the server's hall_link_down_minutes
    backlog_records: int
    backlog_s: float
    last_contact_at: str | None
    last_record_at: str | None
    error: str
