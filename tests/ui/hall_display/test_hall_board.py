"""The hall display's board as plain data: events in, what to show and say out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kiosk.ui.hall_display.board import HallBoard, fresh_enough

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def called(event_id, number, window, kind="ticket.called", at=NOW, waiting=None):
    return {"id": event_id, "type": kind, "at": at.isoformat(), "number": number, "window": window,
            "window_name": f"{window}号窗", "queue_id": 1, **({"waiting": waiting} if waiting is not None else {})}


def board_with_queue():
    board = HallBoard(max_recent=3)
    board.resync([{"number": 3, "name": "企业开办窗口", "helper": {"name": "周𠮷", "role": "proxy_agent"}},
                  {"number": 4, "name": "税务窗口", "helper": None}],
                 [{"queue_id": 1, "prefix": "A", "name": "综合帮办", "waiting": 4}])
    return board


def test_a_call_becomes_the_latest_and_the_window_s_last_call():
    board = board_with_queue()
    call = board.apply(called(10, "A001", 3, waiting=3))
    assert call.sentence == "请 A001 号到 3 号窗口办理"
    assert board.latest == call and board.per_window[3] == call
    assert board.queues[1].waiting == 3


def test_recent_keeps_one_call_per_window_newest_first():
    board = board_with_queue()
    for event_id, number, window in [(1, "A001", 3), (2, "A002", 4), (3, "A003", 3), (4, "A004", 5), (5, "A005", 6)]:
        board.apply(called(event_id, number, window))
    assert [c.number for c in board.recent()] == ["A005", "A004", "A003"]


def test_a_recall_is_said_again_and_other_events_only_update_counts():
    board = board_with_queue()
    board.apply(called(1, "A001", 3))
    again = board.apply(called(2, "A001", 3, kind="ticket.recalled"))
    assert again.recalled and board.latest == again
    assert board.apply({"id": 3, "type": "ticket.issued", "queue_id": 1, "number": "A002", "waiting": 7}) is None
    assert board.queues[1].waiting == 7 and board.latest == again


def test_staffing_reads_names_and_roles():
    board = board_with_queue()
    assert [(s.window, s.helper_name, s.role_name) for s in board.staffing] == [
        (3, "周𠮷", "代办员"), (4, None, "")]


def test_only_recent_calls_are_said_aloud():
    call = board_with_queue().apply(called(1, "A001", 3, at=NOW))
    assert fresh_enough(call, NOW + timedelta(seconds=30))
    assert not fresh_enough(call, NOW + timedelta(minutes=10))


def test_a_sign_in_or_out_changes_who_is_shown_at_the_window():
    board = board_with_queue()
    board.apply({"id": 5, "type": "window.staffed", "window": 4,
                 "helper": {"code": "1003", "name": "刘䶮", "role": "proxy_agent"}})
    board.apply({"id": 6, "type": "window.staffed", "window": 3, "helper": None})
    assert [(s.window, s.helper_name, s.role_name) for s in board.staffing] == [
        (3, None, ""), (4, "刘䶮", "代办员")]
