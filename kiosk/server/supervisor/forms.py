"""Reading what the pages' forms send: URL-encoded bodies and the query's dates and halls.

Bodies are parsed here rather than with FastAPI's ``Form`` so the server needs no
python-multipart for a handful of small fields.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.auth import visible_halls
from kiosk.server.errors import ApiError
from kiosk.server.models import Hall
from kiosk.server.routes.figures import report_range

MAX_BODY = 64 * 1024


async def form_body(request: Request) -> dict[str, str]:
    """A page's dependency: the posted form, one value per field (the first)."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiError(413, "too_large", "提交的内容过长")
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def number(text: str | None) -> int | None:
    """A whole number as a form or query sends it ("12"), or None: never "²" or "1e9"."""
    return int(text) if text and re.fullmatch(r"[0-9]{1,9}", text) else None


def day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, "bad_date", f"日期“{text}”格式不正确，请写成 2026-11-23") from None


def date_range(first: str | None, last: str | None) -> tuple[date, date]:
    """The report's days, the API's rules: the last 30 by default, at most 400."""
    return report_range(day(first), day(last))


def halls_seen(db: Session, who) -> list[tuple[int, str]]:
    ids = visible_halls(db, who.caller)
    return [(r.id, r.name) for r in db.execute(select(Hall.id, Hall.name).where(Hall.id.in_(ids)).order_by(Hall.id))]


def chosen_hall(halls: list[tuple[int, str]], asked: str | None, own: int) -> int:
    """The hall the page shows: the one asked for if the supervisor sees it, else their own."""
    wanted = number(asked)
    return wanted if wanted in {hid for hid, _ in halls} else own
