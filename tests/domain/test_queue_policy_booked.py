"""Booked citizens in the line (预约办): ahead of walk-ins within their slot, never called before
its lead however early they checked in, and never starving a walk-in; and the booking rules
around it, with the hall's settings as arguments."""
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings, strategies as st

from kiosk.domain import booking_rules as rules
from kiosk.domain.queue_policy import (
    PRIORITY_GROUP_NAMES, PRIORITY_GROUPS, SELF_DECLARED_GROUPS, Policy, Waiting, booked_key, call_key, choose_next,
    held,
)

T0 = datetime(2026, 12, 7, 9, 0)
POLICY = Policy(priority_lead=timedelta(minutes=15), booking_lead=timedelta(minutes=15))
LATER = T0 + timedelta(days=1)  # every ticket here is callable by then
TIMING = rules.Timing(checkin_window=timedelta(minutes=120), grace=timedelta(minutes=15))
LEAD = POLICY.booking_lead


def walk_in(id, minute, group=None):
    return Waiting(id=id, queue_id=1, key=call_key(T0 + timedelta(minutes=minute), group, None, POLICY))


def booked(id, slot_minute, group=None):
    return Waiting(id=id, queue_id=1, key=booked_key(T0 + timedelta(minutes=slot_minute), group, POLICY))


def order(waiting, now=LATER):
    waiting, out = list(waiting), []
    while waiting:
        chosen = choose_next(waiting, 1, [1], now)
        if chosen is None:  # the rest are held
            break
        out.append(chosen.id)
        waiting.remove(chosen)
    return out


def test_a_booked_citizen_goes_ahead_of_walk_ins_who_came_near_the_slot():
    # slot at 09:30; walk-ins at 09:20 and 09:29 are overtaken, one at 09:10 is not
    assert order([walk_in(1, 10), walk_in(2, 20), walk_in(3, 29), booked(9, 30)]) == [1, 9, 2, 3]


def test_coming_early_gains_nothing_the_slot_decides():
    early = booked(1, 60)  # checked in at 09:00 for a 10:00 slot
    assert order([early, walk_in(2, 5), walk_in(3, 44)]) == [2, 3, 1]


def test_a_walk_in_is_overtaken_only_by_slots_starting_within_the_lead():
    later_slot = booked(2, 16)  # 16 minutes after the walk-in came: beyond the 15-minute lead
    assert order([walk_in(1, 0), later_slot]) == [1, 2]
    assert order([walk_in(1, 0), booked(3, 14)]) == [3, 1]


def test_green_channel_stays_first():
    assert order([booked(1, 0), walk_in(2, 5, "green_channel")]) == [2, 1]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 240), st.lists(st.integers(0, 300), min_size=1, max_size=60))
def test_no_walk_in_waits_behind_a_booking_whose_slot_starts_past_its_lead(came, slots):
    waiting = [walk_in(0, came)] + [booked(i + 1, s) for i, s in enumerate(slots)]
    served_first = order(waiting)
    ahead = served_first[:served_first.index(0)]
    assert all(slots[i - 1] < came + 15 for i in ahead)


def test_priority_group_words_are_one_definition_with_lao_ruo_bing_can_yun():
    assert PRIORITY_GROUPS == tuple(PRIORITY_GROUP_NAMES)
    for word in ("老年人", "体弱者", "病人", "残疾人", "孕妇"):
        assert word in SELF_DECLARED_GROUPS.values()
    assert "green_channel" not in SELF_DECLARED_GROUPS


# --- booking rules ------------------------------------------------------------

WEEKDAYS = rules.Band(frozenset(range(5)), time(9), time(12), 30, 2)
EVENINGS = rules.Band(frozenset(range(5)), time(17, 30), time(19, 15), 45, 1)  # 延时: a short tail
WEEKEND = rules.Band(frozenset({5, 6}), time(9), time(11), 60, 3)


def test_a_band_offers_its_slots_on_its_weekdays_only():
    monday, saturday = date(2026, 12, 7), date(2026, 12, 12)
    assert rules.slot_starts(WEEKDAYS, monday) == [time(9), time(9, 30), time(10), time(10, 30), time(11),
                                                   time(11, 30)]
    assert rules.slot_starts(WEEKDAYS, saturday) == []
    assert rules.slot_starts(WEEKEND, saturday) == [time(9), time(10)]
    assert rules.slot_starts(EVENINGS, monday) == [time(17, 30), time(18, 15)]  # 19:00 is too short
    assert not rules.is_slot(WEEKDAYS, monday, time(9, 15))


def test_arrival_too_early_early_on_time_late():
    slot = datetime(2026, 12, 7, 10, 30)
    assert rules.arrival(slot, slot - timedelta(minutes=121), TIMING, LEAD) == "too_early"
    assert rules.arrival(slot, slot - timedelta(minutes=120), TIMING, LEAD) == "early"
    assert rules.arrival(slot, slot - timedelta(minutes=15, seconds=1), TIMING, LEAD) == "early"
    assert rules.arrival(slot, slot - timedelta(minutes=15), TIMING, LEAD) == "on_time"
    assert rules.arrival(slot, slot + timedelta(minutes=15), TIMING, LEAD) == "on_time"
    assert rules.arrival(slot, slot + timedelta(minutes=16), TIMING, LEAD) == "late"
    assert "普通号" in rules.checkin_words("late", "10:30")
    assert "您预约的是 10:30，届时优先叫号，请在大厅等候" in rules.checkin_words("early", "10:30")
    assert "请于 08:30 以后再来签到" in rules.checkin_words("too_early", "10:30", "08:30")


def test_the_hall_s_settings_decide_the_window_the_grace_and_the_lead():
    slot = datetime(2026, 12, 7, 10, 30)
    strict = rules.Timing(checkin_window=timedelta(minutes=30), grace=timedelta(minutes=5))
    assert rules.arrival(slot, slot - timedelta(minutes=60), strict, LEAD) == "too_early"
    assert rules.arrival(slot, slot - timedelta(minutes=60), TIMING, LEAD) == "early"
    assert rules.arrival(slot, slot + timedelta(minutes=10), strict, LEAD) == "late"
    assert rules.arrival(slot, slot - timedelta(minutes=20), TIMING, timedelta(minutes=30)) == "on_time"
    assert rules.checkin_opens(slot, strict) == slot - timedelta(minutes=30)
    long_lead = Policy(booking_lead=timedelta(minutes=30))
    assert booked_key(slot, None, long_lead).rank_at == slot - timedelta(minutes=30)


def test_an_early_arrival_s_ticket_is_held_until_its_slot_s_lead():
    # checked in at 09:00 for a 10:00 slot: alone in the line, still not called before 09:45
    early = booked(1, 60)
    assert held(early.key, T0) and choose_next([early], 1, [1], T0) is None
    assert choose_next([early], 1, [1], T0 + timedelta(minutes=44, seconds=59)) is None
    assert choose_next([early], 1, [1], T0 + timedelta(minutes=45)) == early
    # walk-ins are called meanwhile; from 09:45 it goes ahead of those who came after 09:45
    assert order([early, walk_in(2, 5), walk_in(3, 29)], now=T0 + timedelta(minutes=30)) == [2, 3]
    assert choose_next([early, walk_in(4, 46)], 1, [1], T0 + timedelta(minutes=50)) == early


def test_a_green_channel_booking_is_held_too_then_goes_first():
    green = booked(1, 60, "green_channel")
    assert choose_next([green, walk_in(2, 0)], 1, [1], T0 + timedelta(minutes=30)).id == 2
    assert choose_next([green, walk_in(2, 0)], 1, [1], T0 + timedelta(minutes=45)).id == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 180), st.booleans(), st.integers(0, 120)), min_size=1, max_size=40),
       st.integers(1, 8))
def test_in_a_day_s_line_no_booking_is_called_before_its_lead_nor_starves_a_walk_in(arrivals, pace):
    """``arrivals``: (minute come, booked?, for a booking how many minutes after coming its slot
    starts — up to the two-hour check-in window). One window serves one ticket every ``pace``
    minutes."""
    came = {}
    entries = []
    for i, (minute, is_booked, ahead) in enumerate(sorted(arrivals)):
        slot = minute + ahead
        entries.append((minute, booked(i, slot) if is_booked else walk_in(i, minute)))
        came[i] = (minute, slot if is_booked else None)
    waiting, served, clock = [], [], 0
    while entries or waiting:
        while entries and entries[0][0] <= clock:
            waiting.append(entries.pop(0)[1])
        chosen = choose_next(waiting, 1, [1], T0 + timedelta(minutes=clock))
        if chosen is not None:
            waiting.remove(chosen)
            slot = came[chosen.id][1]
            assert slot is None or clock >= slot - 15, "a booking called before its lead"
            served.append(chosen.id)
        clock += pace
    for position, tid in enumerate(served):
        minute, slot = came[tid]
        if slot is not None:
            continue
        for earlier in served[:position]:
            e_minute, e_slot = came[earlier]
            if e_minute > minute:  # overtaken by someone who came later: only a booking within the lead
                assert e_slot is not None and e_slot < minute + 15


def test_booking_and_changes_close_when_the_slot_starts():
    slot = datetime(2026, 12, 7, 10, 30)
    assert rules.may_book(slot, slot - timedelta(seconds=1)) and not rules.may_book(slot, slot)
    assert rules.may_change(slot, slot - timedelta(seconds=1)) and not rules.may_change(slot, slot)


def test_not_checked_in_by_the_end_of_the_slot_is_a_no_show():
    end = datetime(2026, 12, 7, 11)
    assert rules.state_now("booked", end, end - timedelta(seconds=1)) == "booked"
    assert rules.state_now("booked", end, end) == "no_show"
    assert rules.state_now("checked_in", end, end) == "checked_in"
    assert rules.no_show_rate(["no_show", "served", "checked_in", "cancelled", "booked"]) == 1 / 3
    assert rules.no_show_rate(["cancelled"]) is None
