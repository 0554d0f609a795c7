"""Check-in at the kiosk for a booking: the code on the number pad, a booked ticket printed and
shown; an early arrival's ticket at once, with the slot's time said; a refusal and a late
arrival said in plain words; the screen at 1080x1600 in both modes,
every label fitting and every button's text at least 18 pt."""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from kiosk.server.models import Booking
from tests.server.api import Api
from tests.server.booking_helpers import booking_body, next_slot, open_all_day, shift

SHOTS = Path("/work/shots/bookings2")
SIZE = "1080x1600"
MIN_TEXT_PX = 24  # 18 pt at Kivy's 1 sp = 1 px on this screen


def _book(server, phone="13912345678") -> dict:
    open_all_day(server, capacity=2)
    helper = Api(server.url, server.helper_session(2, "1006"))
    made = helper.post("/api/v1/bookings", booking_body(next_slot(helper), phone=phone))
    assert made.status_code == 201, made.text
    return made.json()


def _keep(shot: dict, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot["path"], SHOTS / f"{name}.png")


def test_check_in_by_code_prints_a_booked_ticket(start_kiosk, printer, sqlite_server):
    booking = _book(sqlite_server)
    kiosk = start_kiosk(printer=printer, size=SIZE)
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 我有预约", "shot checkin-normal", "tap 签到")
    state = kiosk.done()
    assert state["screen"] == "checkin" and "预约码是 6 位数字" in state["message"]
    kiosk.do(*[f"tap {d}" for d in booking["code"]], "tap 签到")
    state = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="the ticket printed")
    assert "签到成功" in state["message"] and state["prints"][-1]["ok"]
    kiosk.do("tap 完成", "elder on", "tap 我有预约", "shot checkin-elder", "idle 60")
    state = kiosk.done()
    assert min(state["font_sizes"].values()) >= MIN_TEXT_PX
    shots = {s["name"]: s for s in kiosk.shots()}
    for name in ("checkin-normal", "checkin-elder"):
        assert shots[name]["size"] == [1080, 1600] and shots[name]["screen"] == "checkin"
        assert shots[name]["clipped"] == [] and shots[name]["missing"] == "", shots[name]
        _keep(shots[name], name)


def test_a_late_arrival_is_told_plainly_it_has_an_ordinary_number(start_kiosk, printer, sqlite_server):
    booking = _book(sqlite_server)
    shift(sqlite_server, booking["id"], timedelta(minutes=-31))
    kiosk = start_kiosk(printer=printer, size=SIZE)
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 我有预约", "tap 手机号", *[f"tap {d}" for d in "13912345678"], "tap 签到")
    state = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="the ticket printed")
    assert "预约已失效" in state["message"] and "普通号" in state["message"]
    kiosk.do("shot checkin-late", "idle 60")
    kiosk.done()
    _keep({s["name"]: s for s in kiosk.shots()}["checkin-late"], "checkin-late")


def test_an_early_arrival_gets_a_ticket_at_once_and_is_told_when_it_is_called(start_kiosk, printer, sqlite_server):
    booking = _book(sqlite_server, phone="13912340000")
    shift(sqlite_server, booking["id"], timedelta(hours=1))
    sqlite_server.helper_session(3, "1004")  # a window that serves the matter is staffed
    with sqlite_server.database.read() as db:
        start = db.get(Booking, booking["id"]).start
    kiosk = start_kiosk(printer=printer, size=SIZE)
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 我有预约", *[f"tap {d}" for d in booking["code"]], "tap 签到")
    state = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="the ticket printed")
    assert state["prints"][-1]["ok"] and state["good_news"]
    assert f"您预约的是 {start}" in state["message"] and "请在大厅等候" in state["message"]
    assert state["wait_line"] == f"您预约的是 {start}，届时优先叫号，请在大厅等候"
    kiosk.do("shot checkin-early", "idle 30")
    # the same booking again in elder mode: the same ticket, said the same way, in the large sizes
    kiosk.do("tap 完成", "elder on", "tap 我有预约", *[f"tap {d}" for d in booking["code"]], "tap 签到")
    state = kiosk.wait_for(lambda s: s["screen"] == "ticket" and len(s["prints"]) == 2, what="the ticket again")
    assert state["prints"][-1]["number"] == state["prints"][0]["number"]
    assert "届时优先叫号" in state["wait_line"] and min(state["font_sizes"].values()) >= MIN_TEXT_PX
    kiosk.do("shot checkin-early-elder", "idle 30")
    kiosk.done()
    shots = {s["name"]: s for s in kiosk.shots()}
    for name in ("checkin-early", "checkin-early-elder"):
        assert shots[name]["clipped"] == [] and shots[name]["missing"] == "", shots[name]
        _keep(shots[name], name)
    receipts = sorted(Path(printer.out_dir).glob("*.png"))
    if receipts:
        shutil.copy(receipts[-1], SHOTS / "checkin-early-receipt.png")


def test_checking_in_too_early_says_from_when(start_kiosk, sqlite_server):
    booking = _book(sqlite_server)
    shift(sqlite_server, booking["id"], timedelta(hours=3))
    kiosk = start_kiosk(size=SIZE)
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 我有预约", *[f"tap {d}" for d in booking["code"]], "tap 签到")
    state = kiosk.wait_for(lambda s: "以后再来签到" in s["message"], what="the refusal")
    assert state["screen"] == "checkin" and not state["good_news"]


def test_an_unknown_code_is_refused_in_words(start_kiosk, sqlite_server):
    _book(sqlite_server)
    kiosk = start_kiosk(size=SIZE)
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 我有预约", "tap 手机号", *[f"tap {d}" for d in "13800000000"], "tap 签到")
    state = kiosk.wait_for(lambda s: "没有找到您今天的预约" in s["message"], what="the refusal")
    assert state["screen"] == "checkin"


def test_the_booking_qr_shown_to_the_document_camera_checks_in(start_kiosk, printer, sqlite_server, tmp_path):
    import qrcode
    from PIL import Image

    booking = _book(sqlite_server)
    frames = tmp_path / "qr-frames"
    frames.mkdir()
    code = qrcode.make(booking["public_url"], box_size=12, border=4).convert("RGB")
    desk = Image.new("RGB", (1280, 720), (120, 90, 60))  # a phone's screen held over the desk
    desk.paste(code, ((1280 - code.width) // 2, (720 - code.height) // 2))
    desk.save(frames / "frame0.jpg", quality=92)
    kiosk = start_kiosk(printer=printer, camera=frames, size=SIZE)
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 我有预约")
    state = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="the ticket printed", timeout=40)
    assert "签到成功" in state["message"]
