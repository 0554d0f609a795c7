"""考核: seed 004's table for a hall's year, what the records give computed, the inspection
items entered by the assessor with their evidence; and the annual ranking of the townships
below (``kiosk.server.assessment_records``, the API's own)."""
from __future__ import annotations

from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kiosk.domain import assessment as calc
from kiosk.domain.working_days import HALL_YEARS
from kiosk.server import assessment_records
from kiosk.server.errors import ApiError
from kiosk.server.supervisor import forms, templates
from kiosk.server.timeutil import local_day, utcnow
from kiosk.wire import supervision as wire

SOURCE_NAMES = {"records": "记录", "inspection": "检查"}


def year_of(text: str | None) -> int:
    year = forms.number(text)
    if text and year not in HALL_YEARS:
        raise ApiError(422, "bad_year", f"年度请填写 {HALL_YEARS[0]} 至 {HALL_YEARS[-1]} 之间的年份")
    return year or local_day(utcnow()).year


def gather(db: Session, who, hall_id: int, year: int) -> dict:
    entries = assessment_records.entries(db, hall_id, year)
    ranking = assessment_records.annual(db, who.caller, year) if who.caller.is_supervisor else []
    return {"table": assessment_records.hall_year(db, hall_id, year), "entries": entries, "ranking": ranking}


def enter(db: Session, who, hall_id: int, form: dict) -> int:
    """Save one item's inspection; the year saved. A bad form raises ApiError with why."""
    item = form.get("item", "")
    if item not in calc.ITEM_BY_KEY:
        raise ApiError(422, "invalid_request", "请选择考核项目")
    counts = {}
    for d in calc.ITEM_BY_KEY[item].deductions:
        text = form.get(f"count_{d.key}", "").strip()
        if text:
            n = forms.number(text)
            if n is None or n > 1000:
                raise ApiError(422, "invalid_request", f"“{d.name}”的次数请填写 0 到 1000 的整数")
            counts[d.key] = n
    try:
        req = wire.AssessmentEntryNew.model_validate({
            "year": year_of(form.get("year")), "item": item, "counts": counts, "zeroed": form.get("zeroed") == "1",
            "serious": form.get("serious") == "1", "note": form.get("note", "").strip()})
    except ValidationError:
        raise ApiError(422, "invalid_request", "检查情况说明不能超过 5000 字") from None
    assessment_records.save_entry(db, who.caller, hall_id, req)
    return req.year


def _rows(table: wire.HallAssessment) -> list[list]:
    out = []
    for i in table.items:
        detail = "；".join(f"{d.name}：{SOURCE_NAMES[d.source]} {d.instances} 次" for d in i.deductions if d.instances)
        if i.zeroed:
            detail = f"本项不得分（{calc.ITEM_BY_KEY[i.key].zero_if}）" + (f"；{detail}" if detail else "")
        if i.key == "public_rating":
            detail = detail or "随机回访满意（非常满意、满意）占比 × 10"
        score = "尚无回访" if i.score is None else f"{i.score:g}"
        out.append([i.item, i.full, score, templates.Marked(detail or "未见扣分情形", "log"),
                    templates.Marked(i.note, "log")])
    return out


def render(who, data: dict, halls, hall_id: int, year: int, *, done: str | None = None,
           error: str | None = None) -> Markup:
    table, entries = data["table"], data["entries"]
    items = [{"key": item.key, "name": item.name, "zero_if": item.zero_if,
              "deductions": [(d.key, d.name, d.points, (entries[item.key].counts or {}).get(d.key, "")
                              if item.key in entries else "") for d in item.deductions],
              "zeroed": item.key in entries and entries[item.key].zeroed,
              "serious": item.key in entries and entries[item.key].serious,
              "note": entries[item.key].note if item.key in entries else ""}
             for item in calc.ITEMS if item.key not in ("public_rating",)]
    verdict = "不合格（情节严重）" if table.serious else ("合格" if table.passed else "不合格")
    ranking = [[r.rank, r.hall, f"{r.township:g}", "、".join(r.villages) or "未抽到村（社区）", f"{r.score:g}",
                templates.Marked(r.grade, "grade")] for r in data["ranking"]]
    return templates.render("assessment.html", who=who, halls=halls, hall_id=hall_id, year=year, table=table,
                            rows=_rows(table), items=items, verdict=verdict, ranking=ranking,
                            can_enter=who.caller.is_supervisor, done=done, error=error, pass_mark=calc.PASS_MARK)
