"""The 事项清单 as the XLSX or CSV file halls keep: exported, and imported back.

An import reads every row first and names every mistake (row, column, what is wrong) in
Chinese; only a file without one is applied, in one transaction: matters are matched by
name, added or changed, and the file is announced once on the event stream. What the export
writes, the import reads back unchanged.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.hall_setup import CATEGORY_NAMES, category_of, join_list
from kiosk.server.hall_setup import Editor, changed
from kiosk.server.ledger import to_csv, to_xlsx
from kiosk.server.matter_setup import save_matter
from kiosk.server.models import Matter, Queue
from kiosk.server.spreadsheet_safety import FORMULA_START
from kiosk.server.audit_trail import audit
from kiosk.server.supervisor.forms import field_errors
from kiosk.wire.setup import MatterSpec

COLUMNS = [("name", "事项名称"), ("queue", "队列前缀"), ("category", "事项类型"), ("department", "实施部门"),
           ("time_limit_days", "承诺时限（工作日）"), ("materials", "申请材料"), ("steps", "办理流程"),
           ("address", "办理地点"), ("phone", "咨询电话"), ("proxy_allowed", "可代办"),
           ("high_frequency", "高频事项"), ("name_mn", "蒙古文名称")]
TITLES = dict(COLUMNS)
REQUIRED = ("name", "queue", "category", "department", "time_limit_days")
# other headings halls use for the same column (seed 004's 事项变动登记表 among them)
ALIASES = {"业务办理项目名称": "name", "事项": "name", "队列": "queue", "事项类别": "category", "类别": "category",
           "部门": "department", "承诺时限": "time_limit_days", "材料清单": "materials", "所需材料": "materials",
           "流程": "steps", "办理地址": "address", "地址": "address", "联系电话": "phone", "电话": "phone",
           "是否可代办": "proxy_allowed", "是否高频事项": "high_frequency", "是否高频": "high_frequency"}
MAX_ROWS = 2000
MAX_BYTES = 2 * 2**20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DAYS = re.compile(r"(\d{1,3})\s*(个)?\s*(工作日|天|日)?")


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the heading is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}{'「' + self.column + '」' if self.column else ''}：{self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def summary(self) -> str:
        return f"新增 {self.added} 项，变更 {self.updated} 项，未变 {self.unchanged} 项"


class ImportRefused(ValueError):
    """The file, with every mistake found in it; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__("；".join(map(str, errors[:5])))
        self.errors = errors


# --- export -------------------------------------------------------------------------

def export_rows(db: Session, hall_id: int) -> list[dict]:
    prefixes = dict(db.execute(select(Queue.id, Queue.prefix).where(Queue.hall_id == hall_id)).all())
    matters = db.scalars(select(Matter).where(Matter.hall_id == hall_id, Matter.retired_at.is_(None))
                         .order_by(Matter.id))
    return [{"name": m.name, "queue": prefixes[m.queue_id], "category": CATEGORY_NAMES.get(m.category, m.category),
             "department": m.department, "time_limit_days": m.time_limit_days,
             "materials": join_list(m.materials or []), "steps": join_list(m.steps or []), "address": m.address,
             "phone": m.phone, "proxy_allowed": "是" if m.proxy_allowed else "否",
             "high_frequency": "是" if m.high_frequency else "否", "name_mn": m.name_mn or ""} for m in matters]


def export(db: Session, hall_id: int, fmt: str) -> bytes:
    rows = export_rows(db, hall_id)
    return to_csv(rows, COLUMNS) if fmt == "csv" else to_xlsx(rows, COLUMNS, "事项清单")


# --- reading a file ----------------------------------------------------------------

def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The file's rows as text, the heading first. ImportRefused when it cannot be read."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([RowError(0, "", f"文件超过 {MAX_BYTES // 2**20} MB，请分成几个文件导入")])
    if not data.strip():
        raise ImportRefused([RowError(0, "", "文件是空的")])
    if data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                         for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        book.close()
        return rows
    except Exception:  # a zip that is no workbook, a damaged one: openpyxl raises many kinds
        raise ImportRefused([RowError(0, "", "无法读取该 XLSX 文件，请用 Excel 或 WPS 另存为 .xlsx 或 .csv 后再导入")]) from None


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese Windows saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused([RowError(0, "", "无法识别文件的文字编码，请另存为 UTF-8 编码的 CSV 或 XLSX")])
    try:
        return list(csv.reader(io.StringIO(text, newline="")))[:MAX_ROWS + 2]
    except csv.Error as exc:
        raise ImportRefused([RowError(0, "", f"CSV 格式有误：{exc}")]) from None


def _columns(heading: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    titles = {title: key for key, title in COLUMNS} | {re.sub(r"[（(].*", "", t): k for k, t in COLUMNS} | ALIASES
    for index, text in enumerate(heading):
        key = titles.get(text.strip()) or titles.get(re.sub(r"[（(].*", "", text.strip()))
        if key and key not in found:
            found[key] = index
    missing = [TITLES[k] for k in REQUIRED if k not in found]
    if missing:
        raise ImportRefused([RowError(1, "", f"第一行（表头）缺少列：{'、'.join(missing)}。"
                                             f"表头应为：{'、'.join(TITLES.values())}")])
    return found


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    text = row[index].strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_START):
        text = text[1:]  # the export's mark that a cell is text (spreadsheet_safety)
    return text


def _days(text: str):
    if text in ("即办", "当场办结", "当日办结"):
        return 0
    found = _DAYS.fullmatch(text)
    return int(found.group(1)) if found else text


def parse(db: Session, hall_id: int, rows: list[list[str]]) -> tuple[list[tuple[int, MatterSpec]], list[RowError]]:
    """Every data row as a MatterSpec with its row number, and every mistake found."""
    if not rows:
        return [], [RowError(0, "", "文件是空的")]
    columns = _columns(rows[0])
    if len(rows) > MAX_ROWS + 1:
        return [], [RowError(0, "", f"一次最多导入 {MAX_ROWS} 个事项，请分成几个文件")]
    queues = {q.prefix: q for q in db.scalars(select(Queue).where(Queue.hall_id == hall_id, Queue.retired_at.is_(None)))}
    specs, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: _cell(row, columns.get(key)) for key in TITLES}
        if not any(cells.values()):
            continue
        mistakes = [RowError(number, TITLES[k], "含有不可见的空字符（NUL），请删除") for k, v in cells.items() if "\x00" in v]
        queue = queues.get(cells["queue"].upper())
        if queue is None and cells["queue"]:
            mistakes.append(RowError(number, TITLES["queue"], f"本大厅没有前缀为“{cells['queue']}”的队列"
                                                              f"（现有：{'、'.join(sorted(queues)) or '无，请先新增队列'}）"))
        category = category_of(cells["category"])
        if cells["category"] and category is None:
            mistakes.append(RowError(number, TITLES["category"], f"应为{'、'.join(CATEGORY_NAMES.values())}之一"))
        if cells["name"] in seen:
            mistakes.append(RowError(number, TITLES["name"], f"与第 {seen[cells['name']]} 行的事项名称重复"))
        seen.setdefault(cells["name"], number)
        # a column already found wrong above stands in as right, so the others are checked too
        fields = {k: v for k, v in cells.items() if k != "queue" and v and "\x00" not in v}
        fields.update(category=category or "livelihood", time_limit_days=_days(cells["time_limit_days"]))
        if queue is not None or cells["queue"]:
            fields["queue_id"] = queue.id if queue else 1
        if not cells["category"]:
            del fields["category"]
        if not cells["time_limit_days"]:
            del fields["time_limit_days"]
        try:
            spec = MatterSpec(**fields)
        except ValidationError as exc:
            labels = {k: TITLES[k] for k in TITLES} | {"queue_id": TITLES["queue"]}
            mistakes += [RowError(number, labels.get(k, k), m) for k, m in field_errors(exc, labels).items()]
        if mistakes:
            errors += sorted(mistakes, key=lambda e: list(TITLES.values()).index(e.column))
        else:
            specs.append((number, spec))
    if not specs and not errors:
        errors.append(RowError(0, "", "文件中没有事项（表头以下都是空行）"))
    return specs, errors


def apply(db: Session, editor: Editor, hall_id: int, data: bytes, filename: str) -> ImportResult:
    """The file imported whole, or ImportRefused with every mistake and nothing written."""
    specs, errors = parse(db, hall_id, read_table(data, filename))
    if errors:
        raise ImportRefused(errors)
    existing = {m.name: m.id for m in db.scalars(select(Matter).where(Matter.hall_id == hall_id,
                                                                       Matter.retired_at.is_(None)))}
    result = ImportResult()
    for _number, spec in specs:
        matter_id = existing.get(spec.name)
        if save_matter(db, editor, hall_id, spec, matter_id, announce=False) is None:
            result.unchanged += 1
        elif matter_id is None:
            result.added += 1
        else:
            result.updated += 1
    summary = f"导入事项清单 {filename[:80]}：{result.summary}"
    if result.added or result.updated:
        changed(db, editor, hall_id, "setup.matter_list.import", summary, ["matters"], file=filename[:200],
                added=result.added, updated=result.updated)
    else:  # nothing to tell the terminals; the import itself is still recorded
        audit(db, editor.on(hall_id), "setup.matter_list.import", summary=summary, file=filename[:200],
              by="console" if editor.caller is None else "web")
    return result
