"""Pad → bridge → real server (`bangban server` in its own process), over a real pty and real HTTP."""

import os
import time

OUTAGE_S = float(os.environ.get("BANGBAN_PAD_OUTAGE_S", "60"))  # the issue asks for a minute down


def test_press_goes_to_the_server_as_one_rating_and_an_event(live_server, tmp_path, make_hall, make_window, until):
    hall = make_hall(live_server)
    window = make_window(tmp_path, live_server.url, hall.pad_token).start()
    try:
        ticket = hall.serve_one()
        sim = window.sim
        assert sim.wait_until(lambda: sim.lit and sim.shown is not None), "the pad was not lit"
        assert (sim.shown.name, sim.shown.window) == ("陈静", 1)
        sim.press(5)
        (score, pad_seq), = until(hall.ratings, what="rating stored")
        assert score == 5
        until(lambda: window.outbox.get(pad_seq).sent_at, what="outbox row marked sent")
        recorded = [e for e in hall.events(until_type="rating.recorded") if e["type"] == "rating.recorded"]
        assert recorded and recorded[0]["score"] == 5 and recorded[0]["number"] == ticket["number"]
        assert sim.wait_until(lambda: not sim.unacked()) and not sim.lit
    finally:
        window.close()


def test_bad_rating_opens_a_follow_up(hall, window, until):
    hall.serve_one()
    assert window.sim.wait_until(lambda: window.sim.lit)
    window.sim.press(1)
    (follow_up,) = until(hall.follow_ups, what="follow-up opened")
    assert follow_up["rating"]["score"] == 1 and follow_up["status"] == "open"


def test_press_with_nothing_to_rate_and_a_second_press_are_ignored(hall, window, until):
    sim = window.sim
    sim.press(4)  # nobody has been served: no rating, but the pad is answered
    assert sim.wait_until(lambda: not sim.unacked())
    hall.serve_one()
    assert sim.wait_until(lambda: sim.lit)
    sim.press(5)
    sim.press(2)  # a second press for the same service
    assert sim.wait_until(lambda: not sim.unacked())
    until(hall.ratings, what="rating stored")
    time.sleep(0.5)
    assert [score for score, _ in hall.ratings()] == [5]
    assert window.bridge.counters.ignored_presses == 2
    assert [r.score for r in window.outbox.all()] == [5]


def test_no_press_in_time_leaves_the_service_unrated(hall, quick_window, until):
    sim = quick_window.sim
    hall.serve_one()
    assert sim.wait_until(lambda: sim.lit)
    until(lambda: quick_window.bridge.counters.timed_out == 1, timeout=5, what="timeout")
    assert sim.wait_until(lambda: not sim.lit)  # cancelled, not left lit
    sim.press(5)  # too late
    assert sim.wait_until(lambda: not sim.unacked())
    time.sleep(0.5)
    assert hall.ratings() == [] and quick_window.outbox.all() == []


def test_server_down_then_back_loses_nothing(hall, window, until):
    sim, server = window.sim, hall.server
    hall.serve_one()
    assert sim.wait_until(lambda: sim.lit)
    server.stop()
    sim.press(3)  # the person rates while the server is away
    assert sim.wait_until(lambda: not sim.unacked()), "press not stored and acked while the server is down"
    (waiting,) = window.outbox.pending()
    time.sleep(OUTAGE_S)
    assert window.outbox.pending() == [waiting] and window.bridge.counters.send_failures >= 1
    server.start()
    until(hall.ratings, timeout=15, what="queued rating delivered")
    assert hall.ratings() == [(3, waiting.pad_seq)]
    until(lambda: window.outbox.pending() == [], what="outbox row marked sent")
    # the event stream resumed by itself: the next service lights the pad again
    assert window.bridge.stream_up.wait(10)
    hall.serve_one()
    assert sim.wait_until(lambda: sim.lit, timeout=10)
    sim.press(4)
    ratings = until(lambda: len(hall.ratings()) == 2 and hall.ratings(), what="second rating")
    assert [score for score, _ in ratings] == [3, 4]
    assert ratings[0][1] < ratings[1][1]  # pad_seq in press order


def test_unplug_is_reported_and_replug_resumes(hall, window, until):
    sim = window.sim
    until(lambda: [h["ok"] for h in hall.pad_health()] == [True], what="pad reported healthy")
    hall.serve_one()
    assert sim.wait_until(lambda: sim.lit)
    sim.unplug()
    (health,) = until(lambda: [h for h in hall.pad_health() if not h["ok"]], what="unplug reported")
    assert "评价器" in health["message"] and health["window"] == 1
    sim.replug()
    assert sim.wait_until(lambda: sim.lit, timeout=5), "the open request was not shown again after replug"
    until(lambda: [h["ok"] for h in hall.pad_health()] == [True], what="replug reported")
    sim.press(5)
    assert until(hall.ratings, what="rating after replug")[0][0] == 5


def test_line_noise_during_a_request_never_becomes_a_rating(hall, window, until):
    sim = window.sim
    hall.serve_one()
    assert sim.wait_until(lambda: sim.lit)
    for _ in range(20):
        sim.send_garbage(os.urandom(64))
    time.sleep(1.0)
    assert hall.ratings() == [] and window.outbox.all() == []
    assert window.bridge.pad.stats.discarded_bytes > 0
    sim.press(2)
    assert until(hall.ratings, what="the real press")[0][0] == 2


def test_simple_pad_with_a_key_map(hall, tmp_path, make_window, until):
    from devices.ratepad import parse_key_map

    window = make_window(tmp_path, hall.server.url, hall.pad_token, simple_key_map=parse_key_map("ascii-reversed")).start()
    try:
        window.sim.press(3)  # nothing to rate yet
        time.sleep(0.3)
        hall.serve_one()
        until(lambda: window.bridge.open_request, what="rating requested")
        window.sim.press(5)  # sends b"1" on this pad
        window.sim.press(1)  # a second press: ignored
        assert until(hall.ratings, what="rating stored")[0][0] == 5
        time.sleep(0.3)
        assert [score for score, _ in hall.ratings()] == [5]
        assert window.bridge.counters.ignored_presses == 2
    finally:
        window.close()
