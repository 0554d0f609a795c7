"""Who the display lists at a window is true: the called ticket's details at the window, a terminal
that closes signs its helper out, one that dies is signed out by its silence, and the display's
clock keeps the hall's time whatever the machine's timezone."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.client import ApiClient
from tests.conftest import LiveServer
from test_window_terminal import sign_in, start_display, start_window

F1 = 282


def test_the_called_ticket_shows_what_the_citizen_chose_and_fills_the_log(sqlite_server, start_driver, kiosk_api,
                                                                         tmp_path):
    matter = next(m for m in kiosk_api.catalog()["matters"] if m["name"] == "居民身份证换领、补领")
    kiosk_api.issue_ticket(matter_id=matter["id"], service_type="help", priority_group="elderly",
                           phone="13912345678")
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 6)
    sign_in(terminal, code="1007")
    terminal.command(f"key {F1}")
    called = terminal.wait_for(lambda s: s["status"] == "called", what="the called ticket")
    assert "事项：居民身份证换领、补领" in called["details"] and "类型：帮办" in called["details"]
    assert "优先：老年人" in called["details"] and "手机：139****5678" in called["details"]
    assert "13912345678" not in called["details"]
    assert called["log"]["asked"] == "帮办：居民身份证换领、补领"
    terminal.command("shot window_called_details")
    terminal.stop()


def test_a_terminal_that_closes_signs_its_helper_out(sqlite_server, start_driver, tmp_path):
    display = start_display(start_driver, sqlite_server, tmp_path / "display")
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 1)
    sign_in(terminal, code="1001")
    staffed = display.wait_for(lambda s: s["staff"].get("1") == "李明华", timeout=40, what="window 1 staffed")
    terminal.stop()  # the terminal's window closed (or systemd's SIGTERM)
    display.wait_for(lambda s: s["staff"].get("1") is None, timeout=10, what="window 1 unstaffed at once", after=staffed)
    staff = ApiClient(sqlite_server.url, sqlite_server.device_token("display"))
    assert next(w for w in staff.windows() if w["number"] == 1)["helper"] is None


def test_a_terminal_that_dies_is_signed_out_by_its_silence(start_driver, tmp_path, monkeypatch):
    monkeypatch.setenv("BANGBAN_SESSION_SILENT_S", "20")  # the server's setting, short for the test
    server = LiveServer(tmp_path, None)
    server.start()
    try:
        display = start_display(start_driver, server, tmp_path / "display")
        terminal = start_window(start_driver, server, tmp_path / "window", 1)
        sign_in(terminal, code="1001")
        staffed = display.wait_for(lambda s: s["staff"].get("1") == "李明华", timeout=40, what="window 1 staffed")
        terminal.kill()  # no chance to sign out
        display.wait_for(lambda s: s["staff"].get("1") is None, timeout=20 + 30 + 10,  # silence + the display's resync
                         what="window 1 unstaffed after the terminal's silence", after=staffed)
        helpers = {w["number"]: w["helper"] for w in ApiClient(server.url, server.device_token("kiosk")).windows()}
        assert helpers[1] is None
        display.stop()
    finally:
        server.close()


def test_the_display_clock_keeps_the_hall_s_time_not_the_machine_s(sqlite_server, start_driver, xvfb, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setitem(xvfb, "TZ", "America/New_York")  # the display's machine keeps another zone
    display = start_display(start_driver, sqlite_server, tmp_path / "display")
    shown = display.wait_for(lambda s: s["connected"] and s["clock"], timeout=40, what="the clock")
    hall_now = datetime.now(ZoneInfo("Asia/Shanghai"))  # the server's default `timezone`
    hh, mm = (int(x) for x in re.search(r"(\d\d):(\d\d)$", shown["clock"]).groups())
    assert abs((hh * 60 + mm) - (hall_now.hour * 60 + hall_now.minute)) % (24 * 60) in (0, 1, 1439)
    display.command("shot display_hall_clock")
    display.stop()


def test_a_kiosk_s_paper_running_out_is_shown_at_the_window(sqlite_server, start_driver, tmp_path):
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 1)
    sign_in(terminal, code="1001")
    kiosk = ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk", name="大厅自助取号机"))
    kiosk.report_health("paper", False, "凭条纸将用完，请及时更换纸卷")  # as the kiosk reports it
    shown = terminal.wait_for(lambda s: "大厅自助取号机：凭条纸将用完" in s["devices"], timeout=30,
                              what="the paper warning at the window")  # the terminal looks every 15 s
    terminal.command("shot window_paper_low")
    kiosk.report_health("paper", True, "")
    terminal.wait_for(lambda s: s["devices"] == "", timeout=30, what="the warning gone", after=shown)
    terminal.stop()
