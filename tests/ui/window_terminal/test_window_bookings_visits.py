"""The window terminal's bookings (F9) and home visits (F10), as a helper uses them against a real
server: a booking made for a citizen on the phone, the day's list with its state; a visit assigned
to this helper, its photos uploaded from a folder and its report recorded. Shots at 1920x1080."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import select

from kiosk.server.models import Helper
from tests.server.api import Api
from tests.server.booking_helpers import booking_body, next_slot, open_all_day, shift
from tests.ui.window_terminal.window_steps import sign_in

SHOTS = Path("/work/shots/bookings2")
F9, F10 = 290, 291


def start_window(start_driver, server, folder: Path, window: int):
    return start_driver("window_driver.py", folder, "--url", server.url, "--window", str(window), "--size",
                        "1920x1080", "--token", server.device_token("window", window),
                        "--data", str(folder.parent / "terminal-data"))


def _keep(folder: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = next(folder.rglob(f"{name}.png"))
    assert Image.open(shot).size == (1920, 1080)
    shutil.copy(shot, SHOTS / f"{name}.png")


def test_a_booking_for_a_caller_and_a_visit_reported(sqlite_server, start_driver, tmp_path):
    open_all_day(sqlite_server, capacity=2)
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3)
    sign_in(terminal)
    terminal.command(f"key {F9}")
    terminal.wait_for(lambda s: s.get("dialog", "") and "今日预约" in s["dialog"], what="the bookings dialog")
    terminal.command("fill matter 企业设立登记")
    terminal.wait_for(lambda s: (s.get("dialog_values") or {}).get("slots"), what="the free slots")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%m-%d")  # the hall's day: today's list shows it
    for command in (f"choose {today}", "fill name 张三丰", "fill phone 13912345678", "press book_button"):
        terminal.command(command)
    state = terminal.wait_for(lambda s: "已预约：张三丰" in s.get("dialog_message", "") and
                              (s.get("dialog_values") or {}).get("bookings"), what="the booking made")
    assert "【已预约】" in state["dialog_values"]["bookings"][0] and "13912345678" in state["dialog_values"]["bookings"][0]
    terminal.command("shot window_bookings")
    terminal.command("press booking_0")  # a helper cancels it for the caller
    chosen = terminal.wait_for(lambda s: (s.get("dialog_values") or {}).get("chosen"), what="the booking chosen",
                               after=state)
    terminal.command("press cancel_button")
    cancelled = terminal.wait_for(lambda s: "已取消：张三丰" in s.get("dialog_message", "") and
                                  "【已取消】" in "".join((s.get("dialog_values") or {}).get("bookings") or []),
                                  what="the booking cancelled", after=chosen)
    for command in (f"choose {today}", "fill name 李四", "fill phone 13912345679", "fill priority 优先：老年人",
                    "press book_button"):
        terminal.command(command)
    again = terminal.wait_for(lambda s: "已预约：李四" in s.get("dialog_message", "") and
                              "★老年人" in "".join((s.get("dialog_values") or {}).get("bookings") or []),
                              what="booked again, as an older citizen", after=cancelled)
    terminal.command("shot window_bookings_priority")
    terminal.command("press booking_1")  # the newer one, then a later slot: moved
    terminal.command("choose 余2")
    terminal.command("press move_button")
    terminal.wait_for(lambda s: "已改约：李四" in s.get("dialog_message", ""), what="the booking moved", after=again)
    terminal.command("close")

    with sqlite_server.database.read() as db:
        me = db.scalar(select(Helper.id).where(Helper.code == "1004"))
    soon = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat(timespec="seconds")
    helper = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    visit = helper.post("/api/v1/home-visits", {"citizen": "王大爷", "phone": "13912345678", "reason": "frail",
                                                "address": "东关社区3号楼2单元101", "matter_ids": [1],
                                                "proposed_at": soon}).json()
    coordinator = Api(sqlite_server.url, sqlite_server.helper_session(1, "1002"))
    assert coordinator.post(f"/api/v1/home-visits/{visit['id']}/schedule",
                            {"helper_ids": [me], "scheduled_at": soon}).status_code == 200
    photos = tmp_path / "camera-card"
    photos.mkdir()
    Image.new("RGB", (320, 240), "white").save(photos / "IMG_0001.JPG", "JPEG")
    terminal.command(f"key {F10}")
    terminal.wait_for(lambda s: (s.get("dialog_values") or {}).get("visits"), what="my visits")
    for command in ("choose 王大爷", f"fill photos {photos}", "press photo_button"):
        terminal.command(command)
    uploaded = terminal.wait_for(lambda s: "已上传 1 张照片" in s.get("dialog_message", ""), what="the photo uploaded")
    # the matter goes on: a proxy case opened for the visit from the report, prefilled with the citizen
    terminal.command("press new_case_button")
    form = terminal.wait_for(lambda s: "为本次上门开代办件" in s.get("dialog", ""), what="the entrust form",
                             after=uploaded)
    terminal.command("shot window_visit_case_form")
    terminal.command("fill id_number 11010519491231002X")
    terminal.command("press submit_button")
    opened = terminal.wait_for(lambda s: "已为本次上门开代办件" in s.get("dialog_message", "") and
                               "王大爷" in (s.get("dialog_values") or {}).get("case", ""),
                               what="the case opened and chosen", after=form)
    terminal.command("fill report 已代为申请高龄津贴，材料齐全，转代办继续办理")
    terminal.command("press report_button")
    reported = terminal.wait_for(lambda s: "已上门办理" in s.get("dialog_message", "") and
                                 "已关联代办件" in s.get("dialog_message", ""), what="the report recorded",
                                 after=opened)
    terminal.command("shot window_visits")
    terminal.command("close")
    terminal.wait_for(lambda s: not s.get("dialog") and not s["queued"], what="the dialog closed", after=reported)
    done = helper.get("/api/v1/home-visits").json()["visits"][0]
    assert done["state"] == "done" and done["pages"] == 1
    case = Api(sqlite_server.url, sqlite_server.helper_session(4, "1004")).get(f"/api/v1/cases/{done['case_id']}").json()
    assert case["applicant"] == "王大爷" and case["matter_id"] == 1
    _keep(tmp_path, "window_bookings")
    _keep(tmp_path, "window_visits")
    _keep(tmp_path, "window_visit_case_form")
    _keep(tmp_path, "window_bookings_priority")


def test_a_visit_report_links_one_of_the_helper_s_open_cases(sqlite_server, start_driver, tmp_path):
    open_all_day(sqlite_server, capacity=2)
    with sqlite_server.database.read() as db:
        me = db.scalar(select(Helper.id).where(Helper.code == "1004"))
    mine = Api(sqlite_server.url, sqlite_server.helper_session(4, "1004"))
    case = mine.post("/api/v1/cases", {"matter_id": 1, "applicant": "赵奶奶", "applicant_kind": "person",
                                       "id_number": "11010519491231002X", "phone": "13912345670",
                                       "delivery": "pickup"})
    assert case.status_code == 201, case.text
    soon = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat(timespec="seconds")
    helper = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    visit = helper.post("/api/v1/home-visits", {"citizen": "赵奶奶", "phone": "13912345670", "reason": "elderly",
                                                "address": "西街5号", "matter_ids": [1], "proposed_at": soon}).json()
    coordinator = Api(sqlite_server.url, sqlite_server.helper_session(1, "1002"))
    coordinator.post(f"/api/v1/home-visits/{visit['id']}/schedule", {"helper_ids": [me], "scheduled_at": soon})
    # a booked citizen who checked in an hour early waits in the window's line, marked as held
    booked = helper.post("/api/v1/bookings", booking_body(next_slot(helper), phone="13912345673"))
    shift(sqlite_server, booked.json()["id"], timedelta(hours=1))
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    held = kiosk.post("/api/v1/bookings/check-in", {"code": booked.json()["code"]}).json()
    assert held["outcome"] == "early"
    kiosk.post("/api/v1/tickets", {"matter_id": 1, "service_type": "help"})
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3)
    sign_in(terminal)
    terminal.wait_for(lambda s: "等候 2 人" in (s.get("line") or ""), what="the walk-in and the held booking")
    terminal.command("shot window_line_held")
    terminal.command(f"key {F10}")
    listed = terminal.wait_for(lambda s: (s.get("dialog_values") or {}).get("visits") and
                               (s.get("dialog_values") or {}).get("cases"), what="my visits and open cases")
    line = next(c for c in listed["dialog_values"]["cases"] if "赵奶奶" in c)
    for command in ("choose 赵奶奶", f"fill case {line}", "fill report 已上门核对材料，代办件继续办理",
                    "press report_button"):
        terminal.command(command)
    terminal.wait_for(lambda s: "已关联代办件" in s.get("dialog_message", ""), what="the report with its case",
                      after=listed)
    done = next(v for v in helper.get("/api/v1/home-visits").json()["visits"] if v["id"] == visit["id"])
    assert done["state"] == "done" and done["case_id"] == case.json()["id"]
    _keep(tmp_path, "window_line_held")
