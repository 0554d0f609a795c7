"""The bridge's SQLite outbox: order, restart, one rating per service, pad_seq never reused."""

import sqlite3
import time

from kiosk.padbridge.outbox import EPOCH_2025, Outbox


def test_pending_in_press_order_until_sent(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        first = box.add(3, "svc-1", 5)
        second = box.add(3, "svc-2", 1)
        third = box.add(3, "svc-3", 4)
        assert first.pad_seq < second.pad_seq < third.pad_seq
        assert [r.score for r in box.pending()] == [5, 1, 4]
        box.mark_sent(first.pad_seq)
        box.mark_dropped(second.pad_seq, "HTTP 409: 本窗口近 10 分钟内没有办结的服务，无法评价")
        assert [r.pad_seq for r in box.pending()] == [third.pad_seq]
        dropped = box.get(second.pad_seq)
        assert dropped.drop_reason.startswith("HTTP 409") and dropped.sent_at is None
        assert box.get(first.pad_seq).sent_at is not None


def test_one_rating_per_service(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        kept = box.add(3, "svc-1", 5)
        assert box.add(3, "svc-1", 1) is None
        assert box.has_rating_for(3, "svc-1") and not box.has_rating_for(4, "svc-1")
        assert [(r.pad_seq, r.score) for r in box.all()] == [(kept.pad_seq, 5)]
        assert box.add(3, "svc-2", 2).pad_seq == kept.pad_seq + 1  # a refused duplicate uses no pad_seq


def test_survives_a_restart_and_keeps_counting_up(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    with Outbox(path) as box:
        sent = box.add(3, "svc-1", 5)
        waiting = box.add(3, "svc-2", 2)
        box.mark_sent(sent.pad_seq)
        box.set_state("last_event_id", "41")
    with Outbox(path) as box:  # a new process
        assert box.pending() == [waiting]
        assert box.get_state("last_event_id") == "41"
        box.mark_sent(waiting.pad_seq)
        assert box.add(3, "svc-3", 3).pad_seq == waiting.pad_seq + 1


def test_pad_seq_starts_at_the_creation_time(tmp_path):
    before = int(time.time()) - EPOCH_2025
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        first = box.add(3, "svc-1", 5).pad_seq
    # a replaced outbox file never hands out small numbers the server already saw from an older one
    assert before < first <= int(time.time()) - EPOCH_2025 + 1
    assert first < 2**31


def test_pad_seq_is_unique_even_if_a_row_is_forced_in(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    with Outbox(path) as box:
        taken = box.add(3, "svc-1", 5).pad_seq
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO ratings (pad_seq, window, request_key, score, pressed_at) VALUES (?, 3, 'x', 1, 'now')",
                   (taken,))
        raise AssertionError("duplicate pad_seq accepted")
    except sqlite3.IntegrityError:
        pass
    finally:
        db.close()


def test_wal_mode(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        box.add(1, "a", 3)
        assert box._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
