"""Which waiting ticket a window calls next, and how long a newcomer will wait.

Pure code: no database, no clock. The server stores each ticket's ``CallKey``
when the ticket is issued or transferred and lets the database sort by it, so
the order here and the order of ``call-next`` are the same thing.

The order, from the hall's rules:
1. tickets transferred to this window or queue (转办: the person already waited);
2. green channel (绿色通道: "特事特办、急事急办");
3. everyone else by an *effective* issue time: a priority group (老弱病残孕,
   军人, 高层次人才, 重点项目) counts as if it had come ``priority_lead``
   earlier. This bounds starvation: an ordinary ticket can be overtaken only
   by priority tickets issued less than ``priority_lead`` after it, however
   many of them keep coming.
4. a booked citizen (预约办) who checks in on time counts as if issued
   ``booking_lead`` before the slot's start, whenever they came: early arrival
   gains nothing, and within the slot they go ahead of walk-ins who came after
   ``slot start - booking_lead``. The same bound holds: a walk-in is overtaken
   only by bookings whose slot starts less than ``booking_lead`` after it came,
   and a slot's capacity caps those.
5. a ticket is called only once its key's ``rank_at`` has come. Every other key
   ranks at or before the moment it is made, so this holds back exactly the
   booked citizen who checked in before ``slot start - booking_lead``: their
   ticket is issued at once and waits in the hall until then (``held``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from kiosk.domain.hall_setup import SERVICE_TYPE_NAMES

SERVICE_TYPES = tuple(SERVICE_TYPE_NAMES)
# The priority groups, named once for the kiosk, the receipt, the window terminal, the supervisor
# pages and the wire: 老弱病残孕 (seed 000), then 军人, 高层次人才, 重点项目, and the green channel.
PRIORITY_GROUP_NAMES = {
    "elderly": "老年人", "frail": "体弱者", "sick": "病人", "disabled": "残疾人", "pregnant": "孕妇",
    "military": "军人", "talent": "高层次人才", "key_project": "重点项目", "green_channel": "绿色通道",
}
PRIORITY_GROUPS = tuple(PRIORITY_GROUP_NAMES)
# green_channel is granted by staff, not chosen by the citizen at the kiosk
SELF_DECLARED_GROUPS = {k: v for k, v in PRIORITY_GROUP_NAMES.items() if k != "green_channel"}
PRIORITY_GROUPS_SAID = "老年人、体弱者、病人、残疾人、孕妇、军人等"

TIER_TRANSFERRED = 0
TIER_GREEN = 1
TIER_NORMAL = 2


@dataclass(frozen=True)
class Policy:
    priority_lead: timedelta = timedelta(minutes=15)
    default_service_s: float = 300.0
    booking_lead: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class CallKey:
    tier: int
    rank_at: datetime  # the effective issue time within the tier

    def sort_tuple(self, ticket_id: int) -> tuple:
        return (self.tier, self.rank_at, ticket_id)


def call_key(issued_at: datetime, priority_group: str | None,
             transferred_at: datetime | None = None, policy: Policy = Policy()) -> CallKey:
    """The key a ticket is ordered by; transfer time orders transfers among themselves."""
    if transferred_at is not None:
        return CallKey(TIER_TRANSFERRED, transferred_at)
    if priority_group == "green_channel":
        return CallKey(TIER_GREEN, issued_at)
    if priority_group:
        return CallKey(TIER_NORMAL, issued_at - policy.priority_lead)
    return CallKey(TIER_NORMAL, issued_at)


def booked_key(slot_start: datetime, priority_group: str | None, policy: Policy) -> CallKey:
    """The key of a booked ticket checked in on time or early (``booking_rules.arrival`` says
    when that is): called from ``booking_lead`` before the slot, ahead of walk-ins from then on."""
    tier = TIER_GREEN if priority_group == "green_channel" else TIER_NORMAL
    return CallKey(tier, slot_start - policy.booking_lead)


def held(key: CallKey, now: datetime) -> bool:
    """Not to be called yet: a booked ticket checked in before its slot's lead (rule 5)."""
    return key.rank_at > now


@dataclass(frozen=True)
class Waiting:
    """A waiting ticket as the policy sees it."""
    id: int
    queue_id: int
    key: CallKey
    target_window: int | None = None  # set when transferred to one window


def eligible(ticket: Waiting, window: int, window_queue_ids: Iterable[int]) -> bool:
    if ticket.target_window is not None:
        return ticket.target_window == window
    return ticket.queue_id in set(window_queue_ids)


def choose_next(waiting: Sequence[Waiting], window: int,
                window_queue_ids: Iterable[int], now: datetime) -> Waiting | None:
    queues = set(window_queue_ids)
    candidates = [t for t in waiting if eligible(t, window, queues) and not held(t.key, now)]
    if not candidates:
        return None
    return min(candidates, key=lambda t: t.key.sort_tuple(t.id))


def estimate_wait_s(waiting_ahead: int, recent_service_s: Sequence[float],
                    open_windows: int, policy: Policy = Policy()) -> int:
    """People ahead times the typical service time, shared among the open windows.

    The median of recent services resists the odd hour-long case; with no
    window open the estimate assumes one will open, rather than saying "never".
    """
    if waiting_ahead <= 0:
        return 0
    typical = _median(recent_service_s) if recent_service_s else policy.default_service_s
    return round(waiting_ahead * typical / max(open_windows, 1))


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2
