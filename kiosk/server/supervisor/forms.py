"""Reading what the pages' forms send: URL-encoded bodies and the query's dates and halls.

Bodies are parsed here rather than with FastAPI's ``Form`` so the server needs no
python-multipart for a handful of small fields.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.auth import visible_halls
from kiosk.server.errors import ApiError
from kiosk.server.models import Hall
from kiosk.server.figures import report_range

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


def field_errors(exc: ValidationError, labels: dict[str, str]) -> dict[str, str]:
    """Pydantic's complaints about a posted form as plain Chinese, one per field (the first),
    keyed by field name, for ``ui.field`` and ``ui.form_errors``. ``labels``: the fields'
    names as the form shows them."""
    out: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        if name not in out:
            out[name] = _in_chinese(error, labels.get(name, name))
    return out


def _in_chinese(error: dict, label: str) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return f"请填写{label}"
    messages = {
        "string_too_short": f"{label}至少要 {ctx.get('min_length')} 个字",
        "string_too_long": f"{label}不能超过 {ctx.get('max_length')} 个字",
        "string_pattern_mismatch": f"{label}的格式不正确",
        "int_parsing": f"{label}请填写整数", "int_type": f"{label}请填写整数",
        "float_parsing": f"{label}请填写数字", "float_type": f"{label}请填写数字",
        "greater_than_equal": f"{label}不能小于 {ctx.get('ge')}", "greater_than": f"{label}要大于 {ctx.get('gt')}",
        "less_than_equal": f"{label}不能大于 {ctx.get('le')}", "less_than": f"{label}要小于 {ctx.get('lt')}",
        "date_parsing": f"{label}的格式不正确，请写成 2026-11-23",
        "date_from_datetime_parsing": f"{label}的格式不正确，请写成 2026-11-23",
        "literal_error": f"请从列表中选择{label}", "enum": f"请从列表中选择{label}",
        # a validator of our own says why in Chinese itself
        "value_error": str(ctx.get("error", "")) or f"{label}填写有误",
    }
    return messages.get(kind, f"{label}填写有误")
