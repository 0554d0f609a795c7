"""补正材料一次性告知 at the window (F11): the helper ticks what the citizen brought from the called
ticket's matter list, and the slip that comes out of the printer names every material still
missing, once and in writing (seed 000). A real window terminal under Xvfb, a real server, the
printer simulator reading back what it printed."""
from __future__ import annotations

import pytest

from tests.ui.window_terminal.test_window_documents import printer, sign_in_and_call, start_window  # noqa: F401  (fixture)

F11 = 292


@pytest.fixture
def matter(kiosk_api) -> dict:
    return next(m for m in kiosk_api.catalog()["matters"] if m["name"] == "企业设立登记")


def test_the_slip_lists_every_material_not_ticked_as_brought(sqlite_server, start_driver, kiosk_api, matter,
                                                            printer, tmp_path):  # noqa: F811
    ticket = kiosk_api.issue_ticket(matter_id=matter["id"], phone="13800138000")
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3,
                            "--printer-port", str(printer.port), "--hall-name", "示范县政务服务中心")
    sign_in_and_call(terminal, "1004", ticket["number"])
    terminal.command(f"key {F11}")
    opened = terminal.wait_for(lambda s: (s["dialog"] or "").startswith("补正材料一次性告知") and s.get("dialog_values"),
                               what="the missing-materials dialog")
    materials = opened["dialog_values"]["materials"]
    assert materials == matter["materials"] and len(materials) >= 2
    terminal.command("press have_0")  # the first was brought
    ticked = terminal.wait_for(lambda s: (s.get("dialog_values") or {}).get("have") == materials[:1],
                               what="one ticked", after=opened)
    assert ticked["dialog_values"]["missing"] == materials[1:]
    terminal.command("fill note 原件核验后退还")
    terminal.command("shot missing_materials_dialog")
    terminal.command("press print_button")
    done = terminal.wait_for(lambda s: "已打印" in s.get("dialog_message", ""), what="the slip printed", after=ticked)
    assert f"还需补充 {len(materials) - 1} 项材料" in done["dialog_message"]

    printed = "".join("".join(printer.wait_for_jobs(1)[0].text).split())
    assert "补正材料一次性告知单" in printed and ticket["number"] in printed and "原件核验后退还" in printed
    told, _, received = printed.partition("已收到的材料")
    for name in materials[1:]:  # each missing one named before the list of what was received
        assert "".join(name.split()) in told
    assert "".join(materials[0].split()) in received and "".join(materials[0].split()) not in told


def test_without_a_ticket_in_hand_the_helper_is_told_to_call_first(sqlite_server, start_driver, tmp_path):
    terminal = start_window(start_driver, sqlite_server, tmp_path / "window", 3)
    terminal.command("type code 1004")
    terminal.command("type pin 246810")
    terminal.command("tap sign_in_button")
    terminal.wait_for(lambda s: s["screen"] == "serve", what="the serve screen")
    terminal.command(f"key {F11}")
    said = terminal.wait_for(lambda s: "请先叫号" in s["message"], what="told to call first")
    assert said["error"] and said["dialog"] is None
