"""The kiosk's parts that need no window: the flow's rules, the ticket journal, the receipt's
fields, the upload outbox against a real server, and the spoken prompts through espeak-ng."""
from __future__ import annotations

import shutil
import wave

import pytest

from kiosk.client import ApiClient
from kiosk.ui.kiosk_app.flow import Flow, general_queue, matters_for, page_of, phone_problem, search_matters
from kiosk.ui.kiosk_app.journal import ISSUED, ISSUING, PRINTED, TicketJournal
from kiosk.ui.kiosk_app.receipt import receipt_context, ticket_receipt, wait_text, where_to_wait

MATTERS = [
    {"id": 1, "name": "企业设立登记", "category": "business", "proxy_allowed": True, "high_frequency": True,
     "search_key": "qysldj", "queue_id": 3, "materials": ["公司章程"], "time_limit_days": 1},
    {"id": 2, "name": "企业银行开户预约", "category": "business", "proxy_allowed": False, "high_frequency": False,
     "search_key": "qyyhkhyy", "queue_id": 3},
    {"id": 3, "name": "城乡居民养老保险参保登记", "category": "livelihood", "proxy_allowed": True,
     "high_frequency": True, "search_key": "cxjmylbxcbdj", "queue_id": 4},
]


@pytest.mark.parametrize("digits, ok", [("", True), ("13812345678", True), ("1381234567", False),
                                        ("23812345678", False), ("138123456789", False)])
def test_a_phone_number_is_optional_but_must_be_11_digits_starting_with_1(digits, ok):
    assert (phone_problem(digits) is None) == ok


def test_the_steps_follow_the_choices():
    flow = Flow(service_type="help", category="business", matter=MATTERS[0])
    assert flow.steps(with_camera=True) == ["welcome", "category", "matter", "notice", "priority", "phone",
                                           "capture", "confirm", "ticket"]
    assert flow.step_after("phone", with_camera=False) == "confirm"
    unsure = Flow(service_type="consult", queue_id=8)  # no matter: no notice to read
    assert unsure.step_after("matter", with_camera=False) == "priority"
    assert unsure.step_before("priority", with_camera=False) == "matter"
    assert unsure.request() == {"service_type": "consult", "priority_group": None, "phone": None, "queue_id": 8}


def test_each_flow_has_its_own_idempotency_key():
    assert Flow().idempotency_key != Flow().idempotency_key


def test_proxy_visitors_see_only_matters_that_can_be_proxied():
    proxy = Flow(service_type="proxy", category="business")
    assert [m["id"] for m in matters_for(MATTERS, proxy)] == [1]
    assert [m["id"] for m in matters_for(MATTERS, Flow(service_type="help", category="business"))] == [1, 2]


def test_search_matches_characters_or_pinyin_initials():
    assert [m["id"] for m in search_matters(MATTERS, "QYSL")] == [1]
    assert [m["id"] for m in search_matters(MATTERS, "养老")] == [3]
    assert search_matters(MATTERS, "不存在") == []


def test_pages_hold_per_page_items_and_clamp():
    assert page_of(list(range(9)), 5, 4) == ([8], 2, 3)
    assert page_of([], 0, 4) == ([], 0, 1)


def test_general_queue_is_the_first_of_the_service_type():
    queues = [{"id": 1, "service_type": "help"}, {"id": 8, "service_type": "consult"}]
    assert general_queue(queues, "consult") == 8 and general_queue(queues, "proxy") is None


def test_the_journal_remembers_unfinished_tickets_across_a_restart(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = TicketJournal(path)
    journal.begin("k1", {"queue_id": 1}, {"hall_name": "x"})
    journal.begin("k2", {"queue_id": 1}, {"hall_name": "x"})
    journal.issued("k2", {"number": "A001"})
    journal.begin("k3", {"queue_id": 1}, {})
    journal.issued("k3", {"number": "A002"})
    journal.mark("k3", PRINTED)
    journal.close()
    again = TicketJournal(path)  # as a restarted kiosk opens it
    left = {e.key: e.state for e in again.unfinished(max_age_s=60)}
    assert left == {"k1": ISSUING, "k2": ISSUED}
    assert again.get("k2").ticket == {"number": "A001"}
    assert again.unfinished(max_age_s=0) == []  # too old to finish: the person has long gone


def test_the_receipt_carries_the_materials_only_when_asked():
    flow = Flow(service_type="help", matter=MATTERS[0], phone="13812345678", priority_group="elderly")
    ticket = {"number": "C001", "waiting_ahead": 2, "estimated_wait_s": 300,
              "issued_at": "2026-11-23T09:30:00+08:00", "status_url": "http://hall/t/abc"}
    plain = ticket_receipt(ticket, receipt_context(flow, "示范县政务服务中心", "请在企业开办分区等候"))
    assert plain.materials is None and plain.service_type == "帮办" and plain.priority_note == "老年人"
    flow.print_materials = True
    listed = ticket_receipt(ticket, receipt_context(flow, "示范县政务服务中心", ""))
    assert listed.materials == ["公司章程"] and listed.status_url == "http://hall/t/abc"
    assert wait_text(ticket) == "前面还有 2 人，约等 5 分钟"


def test_where_to_wait_names_the_area_and_windows_of_the_queue():
    windows = [{"number": 3, "area": "企业开办分区", "queue_ids": [3]}, {"number": 4, "area": "企业开办分区",
                                                                     "queue_ids": [3, 6]},
               {"number": 5, "area": "人社医保分区", "queue_ids": [4]}]
    assert where_to_wait(windows, 3) == "请在企业开办分区等候（3、4 号窗口）"
    assert "大屏" in where_to_wait(windows, 99)


def test_captured_pages_wait_in_the_outbox_until_the_server_takes_them_in_order(sqlite_server, tmp_path):
    from kiosk.ui.common.page_outbox import PageOutbox

    api = ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk"))
    queue = api.catalog()["queues"][0]["id"]
    ticket = api.issue_ticket(queue_id=queue)
    pages = [_jpeg(shade) for shade in (200, 120, 40)]
    outbox = PageOutbox(tmp_path / "outbox", lambda: api)
    for page in pages:
        outbox.add(ticket["id"], page)
    sqlite_server.kill()
    assert outbox.send(outbox.pending()[0]) is False and len(outbox.pending()) == 3  # kept while the server is away
    sqlite_server.start()
    while outbox.pending():
        assert outbox.send(outbox.pending()[0]) is True
    staff = ApiClient(sqlite_server.url, sqlite_server.helper_session(1, code="1001"))
    stored = staff.request("GET", f"/api/v1/tickets/{ticket['id']}/documents").json()
    got = [staff.request("GET", f"/api/v1/documents/{d['id']}").content for d in sorted(stored, key=lambda d: d["page"])]
    assert got == pages  # the server holds them in the order they were captured


def _jpeg(shade: int = 240) -> bytes:
    import cv2
    import numpy as np

    ok, buf = cv2.imencode(".jpg", np.full((200, 150, 3), shade, np.uint8))
    return buf.tobytes()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed: no spoken prompts")
def test_an_elder_mode_prompt_is_spoken_as_pinyin(tmp_path):
    from devices.speech import WavFilePlayer
    from kiosk.ui.kiosk_app.speaker import PromptSpeaker, to_pinyin

    assert to_pinyin("请取走凭条。") == "qing3 qu3 zou3 ping2 tiao2 ,"
    assert to_pinyin("A012 号") == "ei1 ling2 yi1 er4 hao4"
    player = WavFilePlayer(tmp_path / "played", pace=0)
    speaker = PromptSpeaker(tmp_path / "cache", player)
    speaker.say("请选择您要办理的事项")
    import time

    deadline = time.monotonic() + 10
    while not player.played and time.monotonic() < deadline:
        time.sleep(0.05)
    speaker.stop()
    with wave.open(player.played[0].saved_as) as wav:
        assert wav.getnframes() / wav.getframerate() > 1.0  # a real sentence, not silence


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed: no spoken prompts")
def test_the_speaker_looks_for_a_player_on_its_own_thread_not_the_callers(tmp_path, monkeypatch):
    """Probing players plays a clip through each (about 2 s with no sound card): never on the UI thread."""
    import threading
    import time

    from devices.speech import WavFilePlayer
    from kiosk.ui.kiosk_app import speaker as speaker_module

    player = WavFilePlayer(tmp_path / "played", pace=0)
    looked_on = []

    def find_player():  # the machine's players stand here for a folder the test can read
        looked_on.append(threading.current_thread())
        return player

    monkeypatch.setattr(speaker_module, "find_player", find_player)
    speaker = speaker_module.PromptSpeaker(tmp_path / "cache")
    speaker.say("已切换到长者模式")
    deadline = time.monotonic() + 10
    while not player.played and time.monotonic() < deadline:
        time.sleep(0.05)
    speaker.stop()
    assert looked_on and looked_on[0] is not threading.current_thread()
    assert len(player.played) == 1
