"""The page a receipt's QR code opens on a citizen's phone: where their ticket stands."""
from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from kiosk.domain.ticket_states import STATUS_NAMES
from kiosk.server import tickets as ops
from kiosk.server.sync import referral_delivery
from kiosk.server.deps import ServerState, server
from kiosk.server.models import Hall, Ticket, Window

router = APIRouter(tags=["public"])

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="15">
<title>{number} 号 · {hall}</title>
<style>body{{font-family:sans-serif;margin:1.5em;font-size:20px;line-height:1.5;color:#111}}
h1{{font-size:64px;margin:.2em 0}}.state{{font-size:30px;font-weight:bold}}small{{color:#444}}</style>
</head><body><p>{hall}</p><h1>{number}</h1><p class="state">{state}</p>{detail}
<p><small>本页每 15 秒自动刷新。帮办代办服务全程免费。</small></p></body></html>"""


@router.get("/t/{public_token}", response_class=HTMLResponse, include_in_schema=False)
def ticket_status_page(public_token: Annotated[str, Path(max_length=40)], bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        ticket = db.scalar(select(Ticket).where(Ticket.public_token == public_token))
        if ticket is None:
            return HTMLResponse("<!doctype html><meta charset='utf-8'><p style='font-size:24px'>"
                                "找不到这张号票，请到引导台询问。</p>", status_code=404)
        hall = db.get(Hall, ticket.hall_id).name
        if ticket.status == "waiting":
            ahead = ops.waiting_ahead(db, ticket)
            minutes = round(ops.estimated_wait(db, ticket.queue_id, ahead) / 60)
            detail = f"<p>前面还有 <b>{ahead}</b> 人，预计等候约 {minutes} 分钟。请留意大厅叫号。</p>"
        elif ticket.status in ("called", "serving"):
            number = db.get(Window, ticket.window_id).number
            detail = f"<p>请到 <b>{number} 号窗口</b>办理。</p>"
        else:
            detail = ""
        referral = referral_delivery.referral_word(db, ticket.id)
        if referral:
            detail += f"<p>{escape(referral)}</p>"
    return HTMLResponse(PAGE.format(number=escape(ticket.number), hall=escape(hall),
                                    state=STATUS_NAMES.get(ticket.status, ticket.status), detail=detail))
