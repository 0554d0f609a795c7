from datetime import datetime, timedelta

from hypothesis import given, settings, strategies as st

from kiosk.domain.queue_policy import (
    Policy, Waiting, call_key, choose_next, estimate_wait_s,
)

T0 = datetime(2026, 11, 23, 9, 0)
POLICY = Policy(priority_lead=timedelta(minutes=15))
LATER = T0 + timedelta(days=1)  # every ticket here is callable by then


def ticket(id, minute, group=None, queue=1, transferred_minute=None, target_window=None):
    transferred = T0 + timedelta(minutes=transferred_minute) if transferred_minute is not None else None
    key = call_key(T0 + timedelta(minutes=minute), group, transferred, POLICY)
    return Waiting(id=id, queue_id=queue, key=key, target_window=target_window)


def test_first_come_first_served_among_ordinary_tickets():
    waiting = [ticket(2, 5), ticket(1, 1), ticket(3, 9)]
    assert choose_next(waiting, window=1, window_queue_ids=[1], now=LATER).id == 1


def test_transferred_before_green_channel_before_priority_before_ordinary():
    waiting = [
        ticket(1, 0),
        ticket(2, 1, "elderly"),
        ticket(3, 2, "green_channel"),
        ticket(4, 3, transferred_minute=30),
    ]
    order = []
    while waiting:
        chosen = choose_next(waiting, 1, [1], LATER)
        order.append(chosen.id)
        waiting.remove(chosen)
    assert order == [4, 3, 2, 1]


def test_priority_ticket_overtakes_only_within_the_lead():
    ordinary = ticket(1, 0)
    late_priority = ticket(2, 20, "disabled")  # 20 min later: beyond the 15-min lead
    near_priority = ticket(3, 10, "pregnant")  # 10 min later: within the lead
    assert choose_next([ordinary, late_priority], 1, [1], LATER).id == 1
    assert choose_next([ordinary, near_priority], 1, [1], LATER).id == 3


def test_window_sees_only_its_queues_and_tickets_transferred_to_it():
    waiting = [ticket(1, 0, queue=2), ticket(2, 1, queue=1, transferred_minute=5, target_window=7)]
    assert choose_next(waiting, window=3, window_queue_ids=[1], now=LATER) is None
    assert choose_next(waiting, window=7, window_queue_ids=[], now=LATER).id == 2
    assert choose_next(waiting, window=3, window_queue_ids=[2], now=LATER).id == 1


def test_nothing_waiting_gives_none():
    assert choose_next([], 1, [1], LATER) is None


def test_endless_priority_stream_cannot_starve_an_ordinary_ticket():
    # One priority ticket arrives every minute forever; the window serves one a minute.
    waiting = [ticket(0, 0)]
    served_before_ordinary = 0
    for minute in range(1, 200):
        waiting.append(ticket(minute, minute, "elderly"))
        chosen = choose_next(waiting, 1, [1], LATER)
        waiting.remove(chosen)
        if chosen.id == 0:
            break
        served_before_ordinary += 1
    else:
        raise AssertionError("the ordinary ticket was never called")
    assert served_before_ordinary <= 15


arrivals = st.lists(
    st.tuples(st.integers(0, 120), st.sampled_from([None, None, None, "elderly", "military"])),
    min_size=1, max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(arrivals, st.integers(1, 10))
def test_ordinary_ticket_is_only_overtaken_by_priority_issued_within_the_lead(arrivals, pace):
    arrivals = sorted(arrivals, key=lambda a: a[0])  # ids grow with issue time, as in the database
    tickets = [ticket(i, minute, group) for i, (minute, group) in enumerate(arrivals)]
    issued = {t.id: (arrivals[t.id][0], arrivals[t.id][1]) for t in tickets}
    pending = sorted(tickets, key=lambda t: issued[t.id][0])
    waiting, served, clock = [], [], 0
    while pending or waiting:
        while pending and issued[pending[0].id][0] <= clock:
            waiting.append(pending.pop(0))
        if waiting:
            chosen = choose_next(waiting, 1, [1], T0 + timedelta(minutes=clock))
            waiting.remove(chosen)
            served.append(chosen.id)
        clock += pace
    for position, tid in enumerate(served):
        minute, group = issued[tid]
        if group:
            continue
        for earlier in served[:position]:
            e_minute, e_group = issued[earlier]
            if e_minute > minute:  # overtaken by someone who came later
                assert e_group is not None and e_minute < minute + 15


def test_estimate_uses_median_service_time_shared_among_open_windows():
    assert estimate_wait_s(0, [600], 1) == 0
    assert estimate_wait_s(4, [100, 200, 9000], 2) == 400
    assert estimate_wait_s(3, [], 0) == 900  # default 300 s, assumes one window opens
