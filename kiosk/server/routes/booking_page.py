"""The citizen's booking pages (预约办), on the same public site as the receipt's QR page: plain
HTML forms, no script and no account, for any phone's browser. Book a slot (the page then shows
the 6-digit code once), and later, with the phone number and that code, cancel or move it.
Text at 18 pt (24 px) and buttons 60 px high, as domain.md's age-friendly rules ask."""
from __future__ import annotations

import secrets
from html import escape
from typing import Annotated
from urllib.parse import parse_qs

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select

from kiosk.domain.hall_setup import SERVICE_TYPE_HINTS, SERVICE_TYPE_NAMES
from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES, SELF_DECLARED_GROUPS
from kiosk.server import booking_slots as slots_db, bookings as ops
from kiosk.server.deps import ServerState, server
from kiosk.server.errors import ApiError
from kiosk.server.models import Booking, Hall, Matter
from kiosk.server import citizen_bookings
from kiosk.server.timeutil import local_day, utcnow
from kiosk.wire import bookings as wire

router = APIRouter(tags=["public"], include_in_schema=False)
MAX_FORM_BYTES = 4000
HallCode = Annotated[str, Path(min_length=1, max_length=32)]
Token = Annotated[str, Path(max_length=40)]
SERVICES = {k: f"{name}（{SERVICE_TYPE_HINTS[k]}）" for k, name in SERVICE_TYPE_NAMES.items()}

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:.8em;font-size:24px;line-height:1.5;color:#111;max-width:40em}}
h1{{font-size:30px;margin:.3em 0}}fieldset{{border:1px solid #888;margin:1em 0;padding:.6em}}
select,input,button{{font-size:24px;padding:.3em;max-width:100%;box-sizing:border-box}}
input[type=text],input[type=tel],select{{width:100%}}label{{display:block;margin:.5em 0}}
input[type=radio]{{width:1.4em;height:1.4em;vertical-align:middle}}button{{min-height:60px;min-width:8em}}
.code{{font-size:48px;font-weight:bold;letter-spacing:.15em}}.ok{{border:3px solid #111;padding:.5em}}
.error{{border:3px dashed #111;padding:.5em}}.qr{{width:60vw;max-width:300px;height:auto;background:#fff}}.full{{color:#555}}small{{color:#444}}</style>
</head><body><p>{hall}</p><h1>{title}</h1>{notice}{body}
<p><small>预约和办理全程免费。本页不显示您的证件号码和完整电话。</small></p></body></html>"""


def _html(hall: str, title: str, body: str, notice: str = "", error: bool = False, status: int = 200):
    shown = f'<p class="{"error" if error else "ok"}" role="status">{escape(notice)}</p>' if notice else ""
    return HTMLResponse(PAGE.format(hall=escape(hall), title=escape(title), notice=shown, body=body),
                        status_code=status, headers={"Cache-Control": "no-store"})


def _slot_choices(slots: list[dict], name: str = "slot") -> str:
    if not slots:
        return "<p>近期没有可预约的时段，请致电大厅或直接到大厅取号。</p>"
    out = []
    for s in slots:
        words = f"{s['day']} {s['start']}–{s['end']}（{s['kind_name']}）"
        if s["free"]:
            out.append(f'<label><input type="radio" name="{name}" value="{s["day"]} {s["start"]}" required> '
                       f"{escape(words)} 余 {s['free']} 个</label>")
        else:
            out.append(f'<label class="full"><input type="radio" disabled> {escape(words)} 已约满</label>')
    return "".join(out)


def _proof_fields() -> str:
    return ('<label>预约时留的手机号 <input type="tel" name="phone" inputmode="numeric" maxlength="11" required '
            'autocomplete="tel"></label><label>6 位预约码 <input type="text" name="code" inputmode="numeric" '
            'maxlength="6" required autocomplete="off"></label>')


def _booking_form(bb: ServerState, hall: Hall, matter_id: int | None) -> str:
    with bb.db.read() as db:
        matters = db.scalars(select(Matter).where(Matter.hall_id == hall.id).order_by(Matter.id)).all()
        chosen = next((m for m in matters if m.id == matter_id), None)
        slots = slots_db.slots(db, chosen, local_day(utcnow()), 7, utcnow()) if chosen else []
    options = "".join(f'<option value="{m.id}"{" selected" if chosen and m.id == chosen.id else ""}>'
                      f"{escape(m.name)}</option>" for m in matters)
    pick = (f'<form method="get" action="/book/{escape(hall.code)}"><fieldset><legend>第一步：选择事项</legend>'
            f'<select name="matter_id" aria-label="事项">{options}</select>'
            '<button type="submit">查看可预约时段</button></fieldset></form>')
    if chosen is None:
        return pick
    services = "".join(f'<label><input type="radio" name="service_type" value="{k}"{" checked" if k == "help" else ""}>'
                       f" {escape(v)}</label>" for k, v in SERVICES.items() if k != "proxy" or chosen.proxy_allowed)
    return pick + (
        f'<form method="post" action="/book/{escape(hall.code)}"><input type="hidden" name="matter_id" value="{chosen.id}">'
        f'<input type="hidden" name="nonce" value="{secrets.token_urlsafe(12)}">'
        f'<fieldset><legend>第二步：选择时段</legend>{_slot_choices(slots)}</fieldset>'
        '<fieldset><legend>第三步：填写预约人</legend><label>姓名 <input type="text" name="name" maxlength="100" '
        'required autocomplete="name"></label><label>手机号 <input type="tel" name="phone" inputmode="numeric" '
        'maxlength="11" required autocomplete="tel"></label><label>身份证号（可不填） <input type="text" '
        f'name="id_number" maxlength="18" autocomplete="off"></label>{services}{_priority_choice()}</fieldset>'
        '<button type="submit">确认预约</button></form>') if slots else pick + _slot_choices(slots)


def _priority_choice() -> str:
    """老弱病残孕 and the other groups a citizen may say of themselves: the ticket at check-in carries it."""
    options = "".join(f'<option value="{k}">{escape(v)}</option>' for k, v in SELF_DECLARED_GROUPS.items())
    return ('<label>优先人群（如是，请选择；签到后优先叫号） <select name="priority_group">'
            f'<option value="">不是</option>{options}</select></label>')


def _priority_words(group: str | None) -> str:
    return f"<br>优先人群：{escape(PRIORITY_GROUP_NAMES[group])}" if group in PRIORITY_GROUP_NAMES else ""


def qr_svg(text: str) -> str:
    """The booking page's address as a QR code (inline SVG), for the kiosk's document camera."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):].replace("<svg ", '<svg role="img" aria-label="预约二维码" class="qr" ', 1)


def _hall(bb: ServerState, code: str) -> Hall | None:
    with bb.db.read() as db:
        return db.scalar(select(Hall).where(Hall.code == code))


def _missing() -> HTMLResponse:
    return _html("", "找不到", "<p>找不到该大厅或预约，请核对链接。</p>", status=404)


@router.get("/book/{hall}", response_class=HTMLResponse)
def booking_page(hall: HallCode, request: Request, bb: ServerState = Depends(server)):
    found = _hall(bb, hall)
    if found is None:
        return _missing()
    raw = request.query_params.get("matter_id", "")
    return _html(found.name, "预约办理", _booking_form(bb, found, int(raw) if raw.isdigit() and len(raw) < 10 else None))


async def _fields(request: Request) -> dict:
    raw = await request.body()
    return {k: v[0].strip() for k, v in parse_qs(raw[:MAX_FORM_BYTES].decode("utf-8", "replace")).items()}


@router.post("/book/{hall}", response_class=HTMLResponse)
async def booking_made(hall: HallCode, request: Request, bb: ServerState = Depends(server)):
    found = await run_in_threadpool(_hall, bb, hall)
    if found is None:
        return _missing()
    f = await _fields(request)
    day, _, start = f.get("slot", "").partition(" ")
    matter = f.get("matter_id", "")
    try:
        req = wire.BookingRequest.model_validate(
            {"matter_id": int(matter) if matter.isdigit() and len(matter) < 10 else 0, "day": day, "start": start,
             "name": f.get("name", ""), "phone": f.get("phone", ""), "id_number": f.get("id_number") or None,
             "service_type": f.get("service_type", "help"), "priority_group": f.get("priority_group") or None},
            strict=False)
        made, _ = await run_in_threadpool(citizen_bookings.book, bb, hall, req, f"page:{f.get('nonce', '')[:40]}"
                                          if f.get("nonce") else None, request.client.host if request.client else "")
    except ValidationError:
        message, status = "请选择时段，并填写姓名和 11 位手机号（身份证号可不填）", 422
    except ApiError as exc:
        message, status = exc.message, exc.status
    else:
        body = (f'<p>预约成功：{escape(made.matter)}，{escape(made.day)} {escape(made.start)}–{escape(made.end)}。'
                f'{_priority_words(made.priority_group)}</p>'
                f'<p>您的预约码（请记下，签到、取消或改约都要用）：</p><p class="code">{escape(made.code or "")}</p>'
                f'<p>到大厅后，在自助取号机上点“我有预约，签到取号”，输入预约码或手机号，'
                f'或把下面的二维码对准高拍仪。</p>{qr_svg(made.public_url)}'
                f'<p><a href="/b/{escape(made.public_url.rsplit("/", 1)[1])}">查看、取消或改约</a></p>')
        return _html(found.name, "预约成功", body, "预约成功，请记下预约码。", status=201)
    page = await run_in_threadpool(_booking_form, bb, found, int(matter) if matter.isdigit() and len(matter) < 10 else None)
    return _html(found.name, "预约办理", page, message, error=True, status=status)


def _view(bb: ServerState, token: str) -> tuple[Hall, wire.Booking, list[dict]] | None:
    with bb.db.read() as db:
        booking = db.scalar(select(Booking).where(Booking.public_token == token))
        if booking is None:
            return None
        shown = wire.Booking(**ops.booking_out(db, booking, bb.settings.public_url, staff=False, show_code=False))
        slots = [s for s in slots_db.slots(db, db.get(Matter, booking.matter_id), local_day(utcnow()), 7, utcnow())
                 if (s["day"], s["start"]) != (shown.day, shown.start)] if booking.state == "booked" else []
        return db.get(Hall, booking.hall_id), shown, slots


def _booking_page(bb: ServerState, token: str, notice: str = "", status: int = 200) -> HTMLResponse:
    found = _view(bb, token)
    if found is None:
        return _missing()
    hall, b, slots = found
    body = (f"<p>事项：{escape(b.matter)}<br>时段：{escape(b.day)} {escape(b.start)}–{escape(b.end)}<br>"
            f"预约人：{escape(b.name)}（{escape(b.phone)}）{_priority_words(b.priority_group)}</p>"
            f"<p><b>状态：{escape(b.state_name)}</b></p>")
    if b.state == "booked":
        body += f"<p>签到时把二维码对准自助取号机的高拍仪：</p>{qr_svg(b.public_url)}"
        here = f'/b/{escape(token)}'
        body += (f'<form method="post" action="{here}"><fieldset><legend>改约到其他时段</legend>'
                 f'<input type="hidden" name="action" value="move">{_slot_choices(slots)}{_proof_fields()}'
                 '<button type="submit">确认改约</button></fieldset></form>'
                 f'<form method="post" action="{here}"><fieldset><legend>取消预约</legend>'
                 f'<input type="hidden" name="action" value="cancel">{_proof_fields()}'
                 '<button type="submit">取消预约</button></fieldset></form>')
    return _html(hall.name, "我的预约", body, notice, error=status >= 400, status=status)


@router.get("/b/{token}", response_class=HTMLResponse)
def my_booking(token: Token, bb: ServerState = Depends(server)):
    return _booking_page(bb, token)


@router.post("/b/{token}", response_class=HTMLResponse)
async def change_booking(token: Token, request: Request, bb: ServerState = Depends(server)):
    f = await _fields(request)
    action = f.get("action", "")
    try:
        if action == "cancel":
            proof = wire.CitizenProof.model_validate({"phone": f.get("phone", ""), "code": f.get("code", "")},
                                                     strict=False)
            await run_in_threadpool(citizen_bookings.change, bb, token, proof, lambda db, b: ops.cancel(db, None, b, utcnow()))
            return await run_in_threadpool(_booking_page, bb, token, "预约已取消。")
        if action == "move":
            day, _, start = f.get("slot", "").partition(" ")
            proof = wire.CitizenMove.model_validate({"phone": f.get("phone", ""), "code": f.get("code", ""),
                                                     "day": day, "start": start}, strict=False)
            await run_in_threadpool(citizen_bookings.change, bb, token, proof,
                                    lambda db, b: ops.move(db, None, b, proof.day, proof.start, utcnow()))
            return await run_in_threadpool(_booking_page, bb, token, f"已改约到 {day} {start}。")
        message, status = "请求不正确，请刷新页面后重试", 422
    except ValidationError:
        message, status = "请填写预约时留的 11 位手机号和 6 位预约码" + ("，并选择新的时段" if action == "move" else ""), 422
    except ApiError as exc:
        if exc.status == 404:
            return _missing()
        message, status = exc.message, exc.status
    return await run_in_threadpool(_booking_page, bb, token, message, status)
