"""Appointments (预约办) as rules on plain data: the slots a hall's time band offers, when a
booking may still be made, changed or checked in, and what becomes of one nobody came for.

Times are whatever the caller passes, consistently (the server passes naive UTC); a band's
start and end are the hall's wall-clock times, turned into moments by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES

BOOKING_STATES = {"booked": "已预约", "checked_in": "已签到", "served": "已办理",
                  "no_show": "未到（爽约）", "cancelled": "已取消"}
OPEN_STATES = ("booked",)
BAND_KINDS = {"regular": "工作时间", "extended": "延时服务", "weekend": "周末便民服务"}
CHANNELS = {"window": "窗口/电话登记", "phone_page": "手机预约页"}
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# What a citizen or helper is told when a booking is refused, and what the kiosk says at check-in.
SLOT_FULL = "该时段已约满，请选择其他时段"
SLOT_STARTED = "该时段已开始或已过，不能再预约，请选择以后的时段"
NOT_A_SLOT = "该时段不在本大厅的预约时段内，请重新选择"
CODE_WRONG = "预约码或手机号不正确，请核对预约成功页上或工作人员告知的信息"
TOO_LATE_TO_CHANGE = "预约时段已开始，不能再取消或改约；如需办理请直接到大厅取号"
NOT_OPEN = "该预约已{state}，不能再更改"


@dataclass(frozen=True)
class Band:
    """Capacity by time band: on ``weekdays`` (0 = Monday), from ``start`` to ``end`` in slots of
    ``slot_minutes``, each taking ``capacity`` bookings."""
    weekdays: frozenset[int]
    start: time
    end: time
    slot_minutes: int
    capacity: int


@dataclass(frozen=True)
class Timing:
    """The hall's settings for check-in (``booking_checkin_window_minutes``, ``booking_grace_minutes``)."""
    checkin_window: timedelta  # how long before the slot's start a check-in is taken
    grace: timedelta  # how long after the slot's start it still counts as on time


def slot_starts(band: Band, day: date) -> list[time]:
    """The starts of the band's slots on ``day``; none when the band is closed that weekday. A
    last stretch shorter than a slot is no slot."""
    if day.weekday() not in band.weekdays or band.slot_minutes <= 0:
        return []
    first = datetime.combine(day, band.start)
    last = datetime.combine(day, band.end) - timedelta(minutes=band.slot_minutes)
    starts, at = [], first
    while at <= last:
        starts.append(at.time())
        at += timedelta(minutes=band.slot_minutes)
    return starts


def is_slot(band: Band, day: date, start: time) -> bool:
    return start in slot_starts(band, day)


def may_book(slot_start: datetime, now: datetime) -> bool:
    """A slot is bookable until it starts."""
    return now < slot_start


def may_change(slot_start: datetime, now: datetime) -> bool:
    """Cancel or move: until the slot starts; after that the citizen simply comes or not."""
    return now < slot_start


def arrival(slot_start: datetime, now: datetime, timing: Timing, lead: timedelta) -> str:
    """``too_early`` (before the check-in window: come back from ``checkin_opens``), ``early``
    (a booked ticket at once, held until ``lead`` before the slot: ``queue_policy.held``),
    ``on_time`` (a booked ticket, placed by ``queue_policy.booked_key``) or ``late`` (past the
    grace period: an ordinary walk-in ticket)."""
    if now < checkin_opens(slot_start, timing):
        return "too_early"
    if now < slot_start - lead:
        return "early"
    if now <= slot_start + timing.grace:
        return "on_time"
    return "late"


def checkin_opens(slot_start: datetime, timing: Timing) -> datetime:
    return slot_start - timing.checkin_window


def checkin_words(outcome: str, slot_start_text: str, opens_text: str = "") -> str:
    """What the kiosk says (and shows) after a check-in, in plain words."""
    if outcome == "too_early":
        return f"您预约的时段 {slot_start_text} 开始，请于 {opens_text} 以后再来签到，谢谢。"
    if outcome == "late":
        return (f"您预约的时段 {slot_start_text} 已过，预约已失效。已为您取普通号，"
                "请按顺序等候叫号。")
    if outcome == "early":
        return f"签到成功。您预约的是 {slot_start_text}，届时优先叫号，请在大厅等候。"
    return f"签到成功。您预约的时段 {slot_start_text} 开始，将优先为您叫号，请留意叫号屏。"


def day_words(day: date) -> str:
    """A day as the hall says it to a citizen: 12月8日."""
    return f"{day.month}月{day.day}日"


def not_today_words(day: date, slot_start_text: str) -> str:
    """A check-in on another day than the booking's."""
    return f"您的预约是 {day_words(day)} {slot_start_text}，请在预约当天再来签到，谢谢。"


def state_now(state: str, slot_end: datetime, now: datetime) -> str:
    """A booking still ``booked`` when its slot has ended is a no-show."""
    if state == "booked" and now >= slot_end:
        return "no_show"
    return state


def no_show_rate(states: list[str]) -> float | None:
    """No-shows among the bookings whose outcome is known (cancelled and open ones left out)."""
    settled = [s for s in states if s in ("checked_in", "served", "no_show")]
    if not settled:
        return None
    return sum(1 for s in settled if s == "no_show") / len(settled)


# --- home visits (上门服务) -----------------------------------------------------

VISIT_STATES = {"requested": "待安排", "scheduled": "已安排", "done": "已上门办理", "cancelled": "已取消"}
# who may ask for a visit: those who cannot come (老弱病残孕, seed 003) and key enterprises and projects
VISIT_REASONS = {**{k: PRIORITY_GROUP_NAMES[k] for k in ("elderly", "frail", "sick", "disabled", "pregnant")},
                 "key_enterprise": "重点企业", "key_project": PRIORITY_GROUP_NAMES["key_project"]}


def visit_overdue(state: str, due: datetime, now: datetime) -> bool:
    """A visit not done by its scheduled (or, unscheduled, proposed) time is overdue."""
    return state in ("requested", "scheduled") and now > due
