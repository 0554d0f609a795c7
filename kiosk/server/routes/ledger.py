"""The ledger (台账) on screen or exported, with Chinese headers."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from kiosk.server import booking_records, ledger
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError
from kiosk.server.figures import report_range
from kiosk.server.errors import answers
from kiosk.server.audit_trail import audit
from kiosk.wire.records import Ledger
from kiosk.wire.vocabulary import Day

router = APIRouter(prefix="/api/v1", tags=["ledger"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"services": (ledger.service_rows, ledger.SERVICE_COLUMNS, "服务台账"),
         "cases": (ledger.case_rows, ledger.CASE_COLUMNS, "代办台账"),
         "bookings": (booking_records.booking_rows, booking_records.BOOKING_COLUMNS, "预约台账"),
         "home-visits": (booking_records.visit_rows, booking_records.VISIT_COLUMNS, "上门服务台账")}


@router.get("/ledger/{kind}", response_model=Ledger,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}},
                                         XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                       **answers(401, 403, 422, 503)})
def ledger_export(kind: Annotated[Literal[tuple(KINDS)], Path()],
                  first: Day | None = Query(default=None, alias="from"),
                  last: Day | None = Query(default=None, alias="to"),
                  format: Literal["json", "csv", "xlsx"] = "json",
                  full: bool = False,
                  who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Days ``from``..``to`` (the hall's calendar; default: the last 30 days). ID and phone
    numbers are masked, as on the supervisor's page, unless a supervisor asks with ``full=true``;
    every read is audited, and says which."""
    require(who, "staff")
    first, last = report_range(first, last)
    rows_of, columns, title = KINDS[kind]
    if full and not who.is_supervisor:
        raise ApiError(403, "forbidden", "只有协调员和首席帮办代办员可以查看完整的证件号码和电话")
    unmasked = full
    with bb.db.write() as db:
        rows = rows_of(db, who.hall_id, first, last, unmasked=unmasked)
        audit(db, who, "ledger.read", kind=kind, first=first.isoformat(), last=last.isoformat(),
              format=format, unmasked=unmasked, rows=len(rows))
    name = f"{kind}-{first:%Y%m%d}-{last:%Y%m%d}"
    if format == "csv":
        return Response(ledger.to_csv(rows, columns), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if format == "xlsx":
        return Response(ledger.to_xlsx(rows, columns, title),
                        media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return {"columns": [{"key": k, "title": t} for k, t in columns], "rows": rows}
