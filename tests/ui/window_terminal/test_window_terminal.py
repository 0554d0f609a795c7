"""The window terminal as a helper uses it, against a real server, with the hall display watching.

Each app runs in its own process (drivers/), performs the steps a person would, and reports
what it shows; the assertions read those reports, the server's records and the display's
spoken-call files."""
from __future__ import annotations

import wave
from pathlib import Path

from PIL import Image

from tests.ui.ui_harness import played, wait_until
from kiosk.client import ApiClient
from tests.ui.window_terminal.window_steps import sign_in

F1, F2, F4, F5, F6 = 282, 283, 285, 286, 287


def start_window(start_driver, server, folder: Path, window: int):
    return start_driver("window_driver.py", folder, "--url", server.url, "--window", str(window),
                        "--token", server.device_token("window", window), "--data", str(folder.parent / "terminal-data"))


def start_display(start_driver, server, folder: Path):
    return start_driver("display_driver.py", folder, "--url", server.url, "--token", server.device_token("display"))


def test_a_call_at_the_window_is_shown_and_said_on_the_hall_display(sqlite_server, start_driver, kiosk_api,
                                                                   queue_ids, tmp_path):
    first = kiosk_api.issue_ticket(queue_id=queue_ids["C"], priority_group="elderly")
    kiosk_api.issue_ticket(queue_id=queue_ids["C"])
    display = start_display(start_driver, sqlite_server, tmp_path / "display")
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3)
    display.wait_for(lambda s: s["connected"] and s["waiting"].get("C") == 2, what="the display connected")

    terminal.command("type code 1004")
    terminal.command("type pin 111111")
    terminal.command("tap sign_in_button")
    terminal.wait_for(lambda s: s["message"] == "工号或密码不正确", what="the wrong-PIN message")
    terminal.command("shot window_sign_in")
    sign_in(terminal)
    terminal.wait_for(lambda s: s["line"].startswith("本窗口等候 2 人"), what="the line")

    terminal.command(f"key {F1}")  # F1: call next
    shown = terminal.wait_for(lambda s: s["ticket"] == first["number"] and s["status"] == "called")
    assert "★老年人" in shown["current"]
    display.wait_for(lambda s: s["number"] == first["number"] and s["window_text"] == "请到 3 号窗口"
                     and s["waiting"]["C"] == 1, what="the call on the display")
    terminal.command("type log_who 周𠮷（本人）")
    terminal.command("shot window_main")
    display.command("shot display_call")

    clips = wait_until(lambda: len(played(display.folder)) >= 2 and played(display.folder), what="the call said")
    assert [c["label"] for c in clips] == [f"{first['number']}-w3-say1", f"{first['number']}-w3-say2"]
    for clip in clips:  # a real WAV with some seconds of speech in it
        with wave.open(clip["saved_as"]) as wav:
            assert wav.getnframes() / wav.getframerate() > 1.0
    assert clips[0]["ended"] <= clips[1]["started"]  # never two at once

    terminal.command(f"key {F2}")  # recall: shown again and said again
    terminal.wait_for(lambda s: "已重呼 1 次" in s["current"], what="the recall")
    wait_until(lambda: len(played(display.folder)) >= 4, what="the recall said")
    assert played(display.folder)[2]["label"] == f"{first['number']}-w3-say1"

    terminal.command(f"key {F6}")  # transfer to window 4
    terminal.wait_for(lambda s: s["dialog"] and "转办" in s["dialog"], what="the transfer dialog")
    terminal.command("note 需税务窗口核定税种")
    terminal.command("choose 4 号窗口")
    terminal.wait_for(lambda s: "已转办到4 号窗口" in s["message"] and s["ticket"] == "", what="the transfer")

    helper4 = ApiClient(sqlite_server.url, sqlite_server.helper_session(4, code="1008"))
    head = helper4.window_line(4)["next"][0]
    assert head["number"] == first["number"] and head["transferred"]
    history = helper4.ticket(first["id"])["history"]
    assert any(h["action"] == "ticket.transfer" and "需税务窗口核定税种" in h.get("note", "") for h in history)

    sign_in_shot = Image.open(terminal.folder / "window_sign_in.png")
    assert sign_in_shot.size == (1280, 800)
    assert Image.open(display.folder / "display_call.png").size == (1920, 1080)


def test_the_service_log_survives_the_terminal_being_killed_mid_typing(sqlite_server, start_driver, kiosk_api,
                                                                     queue_ids, tmp_path):
    ticket = kiosk_api.issue_ticket(queue_id=queue_ids["D"])
    terminal = start_window(start_driver, sqlite_server, tmp_path / "first-run", 5)
    sign_in(terminal, code="1006")
    terminal.command(f"key {F1}")
    terminal.wait_for(lambda s: s["ticket"] == ticket["number"])
    terminal.command(f"key {F4}")  # start
    terminal.wait_for(lambda s: s["status"] == "serving")
    terminal.command("type log_who 刘䶮")
    terminal.command("type log_contact 13905381003")
    terminal.command("type log_asked 医保关系转移")
    terminal.command("type log_done 已告知材料清单，待补")
    terminal.wait_for(lambda s: s["log"]["done"] == "已告知材料清单，待补")
    terminal.kill()  # a crash, mid-service

    again = start_window(start_driver, sqlite_server, tmp_path / "second-run", 5)
    sign_in(again, code="1006")
    back = again.wait_for(lambda s: s["ticket"] == ticket["number"] and s["log"]["who"], what="the draft")
    assert back["log"] == {"who": "刘䶮", "contact": "13905381003", "asked": "医保关系转移",
                           "done": "已告知材料清单，待补"}

    again.command(f"key {F5}")
    again.wait_for(lambda s: s["dialog"] and "结束服务" in s["dialog"])
    again.command("choose 办结")
    again.wait_for(lambda s: "服务结束" in s["message"] and s["ticket"] == "")
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(6, code="1007"))
    record = helper.ticket(ticket["id"])
    assert record["status"] == "finished" and record["outcome"] == "done"
    assert record["services"][-1]["log"] == ("来人：刘䶮\n联系方式：13905381003\n"
                                             "咨询或申办事项：医保关系转移\n办理情况：已告知材料清单，待补")


def test_a_session_ended_elsewhere_returns_the_terminal_to_sign_in(sqlite_server, start_driver, tmp_path):
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 7)
    sign_in(terminal, code="1009")
    serving = terminal.wait_for(lambda s: s["line"].startswith("本窗口等候"), what="the line")
    sqlite_server.helper_session(7, code="1010")  # someone signs in at window 7 from another terminal
    terminal.command(f"key {F1}")
    back = terminal.wait_for(lambda s: s["screen"] == "sign_in", after=serving, what="back at sign-in")
    assert "登录已失效" in back["message"]
