"""The hall display across a server crash: a calm "系统连接中" state, the last call greyed,
and on return every call made meanwhile shown and said, none missed."""
from __future__ import annotations

from tests.ui.ui_harness import played, wait_until
from kiosk.client import ApiClient
from kiosk.ui.common.theme import THEME


def test_the_display_rides_out_a_server_restart_with_nothing_missed(sqlite_server, start_driver, kiosk_api,
                                                                   queue_ids, tmp_path):
    for _ in range(2):
        kiosk_api.issue_ticket(queue_id=queue_ids["A"])
    kiosk_api.issue_ticket(queue_id=queue_ids["E"])
    helper1 = ApiClient(sqlite_server.url, sqlite_server.helper_session(1, code="1001"))
    helper6 = ApiClient(sqlite_server.url, sqlite_server.helper_session(6, code="1007"))
    display = start_driver("display_driver.py", tmp_path / "display", "--url", sqlite_server.url,
                                            "--token", sqlite_server.device_token("display"))
    display.wait_for(lambda s: s["connected"] and s["staff"].get("6") == "杨洋", what="connected, staffing")

    a1 = helper1.call_next(1)
    shown = display.wait_for(lambda s: s["number"] == a1["number"] and s["connected"])

    sqlite_server.kill()
    down = display.wait_for(lambda s: not s["connected"], what="the down state", after=shown)
    assert down["banner"] == "系统连接中…"
    assert down["caption"] == "上次叫号（系统连接中）" and down["number"] == a1["number"]
    assert down["number_colour"] == [round(c, 3) for c in THEME.stale]  # greyed, not shown as current
    display.command("shot display_down")

    sqlite_server.start()
    helper1.finish(a1["id"], "done")
    a2 = helper1.call_next(1)  # made before the display is back: must not be missed
    e1 = helper6.call_next(6)

    back = display.wait_for(lambda s: s["connected"] and s["number"] == e1["number"] and a2["number"] in s["recent"],
                            what="the calls made during the outage")
    assert back["caption"] == "正在叫号" and back["recent"] == [e1["number"], a2["number"]]  # one per window
    assert back["number_colour"] == [round(c, 3) for c in THEME.accent]
    display.wait_for(lambda s: s["waiting"].get("A") == 0 and s["waiting"].get("E") == 0, what="resynced counts")

    firsts = wait_until(lambda: [c["label"] for c in played(display.folder) if c["label"].endswith("say1")]
                        if len(played(display.folder)) >= 6 else None, what="every call said")
    assert firsts == [f"{a1['number']}-w1-say1", f"{a2['number']}-w1-say1", f"{e1['number']}-w6-say1"]
    display.command("shot display_back")
    display.stop()
    assert (display.folder / "display_down.png").exists()
