"""绿色通道 at the window (F12): a coordinator puts a waiting citizen ahead with a reason; the
next call takes them; a helper without the role is told who may. A real window terminal under
Xvfb and a real server."""
from __future__ import annotations

from tests.ui.window_terminal.test_window_documents import start_window

F1, F12 = 282, 293


def signed_in(terminal, code: str) -> None:
    terminal.command(f"type code {code}")
    terminal.command("type pin 246810")
    terminal.command("tap sign_in_button")
    terminal.wait_for(lambda s: s["screen"] == "serve", what="the serve screen")


def test_a_coordinator_puts_the_second_in_line_first(sqlite_server, start_driver, kiosk_api, queue_ids, tmp_path):
    first, second = (kiosk_api.issue_ticket(queue_id=queue_ids["C"]) for _ in range(2))
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3)
    signed_in(terminal, "1002")  # 协调员
    terminal.wait_for(lambda s: "等候 2 人" in s["line"], what="both waiting")
    terminal.command(f"key {F12}")
    opened = terminal.wait_for(lambda s: (s["dialog"] or "").startswith("开通绿色通道") and s.get("dialog_values"),
                               what="the green channel dialog")
    assert opened["dialog_values"]["waiting"] == [first["number"], second["number"]]
    terminal.command("press grant_button")  # nothing chosen yet
    terminal.wait_for(lambda s: s.get("dialog_message") == "请选择一个号，并写明原因", what="asked to choose", after=opened)
    terminal.command("press ticket_1")
    terminal.command("fill reason 急需就医")
    terminal.command("shot green_channel_dialog")
    terminal.command("press grant_button")
    granted = terminal.wait_for(lambda s: "已开通绿色通道" in s.get("dialog_message", ""), what="granted", after=opened)
    assert granted["dialog_message"].startswith(second["number"])
    terminal.command("close")
    terminal.command(f"key {F1}")
    terminal.wait_for(lambda s: s["ticket"] == second["number"] and s["status"] == "called",
                      what="the green channel called first")


def test_a_helper_without_the_role_is_told_who_may(sqlite_server, start_driver, tmp_path):
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3)
    signed_in(terminal, "1004")  # 代办员
    terminal.command(f"key {F12}")
    said = terminal.wait_for(lambda s: "绿色通道只能由" in s["message"], what="told who may")
    assert said["error"] and said["dialog"] is None
