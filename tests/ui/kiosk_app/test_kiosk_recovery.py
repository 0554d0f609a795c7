"""When something fails, the visitor reads what happened and what to do, in Chinese, and the
kiosk comes back by itself: server down, printer out of paper, an idle visitor, a restart."""
from __future__ import annotations

import json
import time

from kiosk.client import ApiClient


def to_confirm(kiosk) -> None:
    kiosk.do("tap 帮办", "tap 民生事务", "tap 不清楚是哪个事项", "tap 都不是", "tap 跳过")
    kiosk.wait_for(lambda s: s["screen"] == "confirm", what="the confirm screen")


def played(folder, timeout: float = 10.0) -> list[dict]:
    """The prompts the kiosk said (WavFilePlayer's log), once there is at least one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (folder / "played.jsonl").exists():
        time.sleep(0.05)
    lines = (folder / "played.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def sentences(text: str) -> set[str]:
    return {part.strip() for part in text.replace("\n", "").split("。") if part.strip()}


def waiting_total(api: ApiClient) -> int:
    return sum(q.get("waiting", 0) for q in api.waiting())


def test_server_down_at_confirm_then_back_gives_one_ticket(start_kiosk, printer, sqlite_server):
    api = ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk"))
    kiosk = start_kiosk(printer=printer)
    to_confirm(kiosk)
    sqlite_server.kill()
    kiosk.do("tap 确认取号")
    down = kiosk.wait_for(lambda s: "号还没有取到" in s["message"], what="the server-down message")
    assert "连不上服务器" in down["banner"] and "引导台" in down["banner"] and down["screen"] == "confirm"
    assert not sentences(down["message"]) & sentences(down["banner"])  # two messages, each saying its own thing
    assert "服务器" not in down["message"].replace("服务器一恢复", "") and not down["good_news"]

    sqlite_server.start()
    back = kiosk.wait_for(lambda s: "服务器已恢复" in s["message"] and not s["banner"], timeout=20, what="the recovery")
    assert back["good_news"]  # shown in the good-news colour, not the error colour
    kiosk.do("tap 确认取号", "tap 确认取号")  # an impatient double tap
    done = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="the ticket")
    assert done["prints"][0]["ok"]
    assert waiting_total(api) == 1  # the retry used the flow's one key: one ticket, never two


def test_printer_out_of_paper_shows_the_ticket_on_screen_then_recovers(start_kiosk, printer):
    printer.set_fault("paper_out")
    kiosk = start_kiosk(printer=printer)
    warned = kiosk.wait_for(lambda s: "缺纸" in s["banner"], what="the printer warning on the welcome screen")
    assert "引导台" in warned["banner"]
    to_confirm(kiosk)
    kiosk.do("tap 确认取号")
    shown = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="the ticket without a receipt")
    assert shown["number"] and shown["print_failed"] and not shown["prints"][0]["ok"]
    assert "引导台" in shown["print_line"] and "缺纸" in shown["print_line"]
    assert printer.jobs == []

    for line in shown["banner"].splitlines():  # one whole sentence a line, each with its full stop
        assert line.endswith("。") and line.count("。") == 1, shown["banner"]
    assert not shown["reprint_offered"]

    printer.set_fault("clear")  # paper in: the warning goes by itself, the missed receipt is offered
    offered = kiosk.wait_for(lambda s: not s["banner"] and s["reprint_offered"], timeout=10, what="the reprint offered")
    assert "补打凭条" in offered["print_line"]
    kiosk.do("tap 补打凭条")
    reprinted = kiosk.wait_for(lambda s: len(s["prints"]) == 2 and s["prints"][1]["ok"], what="the missed receipt printed")
    assert reprinted["prints"][1]["number"] == shown["number"] and "已打印" in reprinted["print_line"]
    assert len(printer.wait_for_jobs(1, timeout=5)) == 1
    kiosk.do("tap 完成")
    to_confirm(kiosk)
    kiosk.do("tap 确认取号")
    kiosk.wait_for(lambda s: len(s["prints"]) == 3 and s["prints"][2]["ok"], what="the next receipt printed")
    assert len(printer.wait_for_jobs(2, timeout=5)) == 2


def test_an_idle_kiosk_forgets_the_visitor_and_keeps_its_lock(start_kiosk, printer, tmp_path):
    spoken = tmp_path / "spoken"
    kiosk = start_kiosk(printer=printer, idle=4, speech=spoken)
    kiosk.do("tap 长者模式", "tap 帮办", "tap 企业开办", "tap 搜索", "tap Q", "tap Y")
    kiosk.wait_for(lambda s: s["search"] == "qy" and s["elder"])
    said = played(spoken)
    assert said and said[0]["label"].startswith("已切换到长者模式")  # elder mode speaks its prompts
    kiosk.do("tap 企业设立登记", "tap 下一步", "tap 都不是", "tap 1", "tap 3", "tap 9")
    kiosk.wait_for(lambda s: s["phone"] == "139", what="digits typed")
    back = kiosk.wait_for(lambda s: s["screen"] == "welcome", timeout=10, what="the idle reset")
    assert back["phone"] == "" and back["search"] == "" and back["summary"] == "" and not back["elder"]

    kiosk.do("idle 60")  # a slow machine must not close the PIN pad under the test's feet
    kiosk.do("key 27")  # Escape: no way out
    kiosk.do("hold 3.2")  # the admin corner
    kiosk.wait_for(lambda s: s["admin"] == "请输入管理员密码", what="the PIN pad")
    kiosk.do("tap 1", "tap 1", "tap 确定")
    kiosk.wait_for(lambda s: s["admin"] == "密码不正确")
    assert kiosk.proc.poll() is None
    kiosk.do("tap 2", "tap 4", "tap 6", "tap 8", "tap 确定")
    kiosk.wait_for(lambda s: s["admin"] == "已解锁，请选择操作")
    kiosk.do("tap 退出程序")
    assert kiosk.proc.wait(10) == 0


def test_a_restart_mid_flow_finishes_the_ticket_it_was_issuing(start_kiosk, printer, sqlite_server, tmp_path):
    """systemd restarts the kiosk: it comes back to the welcome screen, and a ticket whose request
    was under way when it died is fetched again with the same key and printed."""
    from kiosk.ui.kiosk_app.journal import TicketJournal
    from kiosk.ui.kiosk_app.receipt import receipt_context
    from kiosk.ui.kiosk_app.flow import Flow

    api = ApiClient(sqlite_server.url, start_kiosk.token)
    queue_h = next(q["id"] for q in api.catalog()["queues"] if q["prefix"] == "H")
    first = start_kiosk("first-run", printer=printer)
    first.do("tap 咨询", "tap 民生事务")
    first.wait_for(lambda s: s["screen"] == "matter")
    first.kill()  # mid-flow

    # what the dead kiosk's journal held: a request sent, no answer seen (the crash came first)
    flow = Flow(service_type="consult", queue_id=queue_h)
    journal = TicketJournal(tmp_path / "kiosk-data" / "kiosk_tickets.sqlite3")
    journal.begin(flow.idempotency_key, flow.request(), receipt_context(flow, "示范县政务服务中心", "请在综合一窗分区等候"))
    already = api.issue_ticket(idempotency_key=flow.idempotency_key, **flow.request())  # it did reach the server
    journal.close()

    again = start_kiosk("second-run", printer=printer)
    back = again.wait_for(lambda s: s["prints"], what="the receipt finished after the restart")
    assert back["screen"] == "welcome"
    assert back["prints"][0]["number"] == already["number"] and back["prints"][0]["ok"]
    assert waiting_total(api) == 1  # the same ticket, not a second one
    job = printer.wait_for_jobs(1, timeout=5)[0]
    assert job.png_path
    time.sleep(0.5)
    again.stop()
    third = start_kiosk("third-run", printer=printer)  # finished work is not done twice
    third.wait_for(lambda s: s["catalog"], what="the third start")
    time.sleep(1.5)
    assert third.state["prints"] == [] and len(printer.jobs) == 1
