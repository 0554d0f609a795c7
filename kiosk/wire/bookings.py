"""Appointments (预约办) and home visits (上门办) on the wire: what clients send and what the
server answers. The words (states, band kinds, reasons) are ``kiosk.domain.booking_rules``'s."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from kiosk.domain import booking_rules
from kiosk.wire.answers import IssuedTicket
from kiosk.wire.vocabulary import (
    MOBILE, Answer, Count, Day, DayText, Id, Id32, Moment, PriorityGroup, Request, ServiceType, Time,
)

BookingState = Literal[tuple(booking_rules.BOOKING_STATES)]
BandKind = Literal[tuple(booking_rules.BAND_KINDS)]
VisitState = Literal[tuple(booking_rules.VISIT_STATES)]
VisitReason = Literal[tuple(booking_rules.VISIT_REASONS)]
ClockTime = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="the hall's wall clock, HH:MM")
BOOKING_CODE = r"^[0-9]{6}$"


# --- requests ---------------------------------------------------------------

class BandRequest(Request):
    queue_id: Id32
    matter_id: Id32 | None = None
    kind: BandKind = "regular"
    weekdays: str = Field(pattern=r"^[0-6]{1,7}$", description="0 = Monday, e.g. 01234")
    start: str = ClockTime
    end: str = ClockTime
    slot_minutes: int = Field(ge=5, le=480)
    capacity: int = Field(ge=1, le=1000)
    active: bool = True


class BookingRequest(Request):
    matter_id: Id32
    day: Day
    start: str = ClockTime
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(pattern=MOBILE, max_length=11)
    id_number: str | None = Field(default=None, min_length=1, max_length=30)  # checked by kiosk.domain.identity
    service_type: ServiceType = "help"
    # said by the citizen or the helper; the green channel only a coordinator grants, at the window
    priority_group: PriorityGroup | None = None


class BookingMove(Request):
    day: Day
    start: str = ClockTime


class CitizenProof(Request):
    """The phone number and the booking's 6-digit code: the citizen's only key (no account)."""
    phone: str = Field(pattern=MOBILE, max_length=11)
    code: str = Field(pattern=BOOKING_CODE)


class CitizenMove(CitizenProof):
    day: Day
    start: str = ClockTime


class CheckInRequest(Request):
    """At the kiosk, one of: the booking's code, the phone number it was made with, or the token
    of its page (read from the page's QR code by the document camera)."""
    code: str | None = Field(default=None, pattern=BOOKING_CODE)
    phone: str | None = Field(default=None, pattern=MOBILE, max_length=11)
    token: str | None = Field(default=None, min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


class VisitRequest(Request):
    citizen: str = Field(min_length=1, max_length=100)
    phone: str = Field(pattern=MOBILE, max_length=11)
    address: str = Field(min_length=1, max_length=300)
    reason: VisitReason
    matter_ids: list[Id32] = Field(min_length=1, max_length=20)
    proposed_at: Moment
    note: str = Field(default="", max_length=2000)


class VisitSchedule(Request):
    helper_ids: list[Id32] = Field(min_length=1, max_length=10)
    scheduled_at: Moment


class VisitReport(Request):
    """What was done; ``case_id``: the proxy case opened (with the case API) if the matter goes on."""
    report: str = Field(min_length=1, max_length=5000)
    case_id: Id | None = None


# --- answers ------------------------------------------------------------------

class Band(Answer):
    id: Id
    queue_id: Id
    matter_id: Id | None
    kind: BandKind
    kind_name: str
    weekdays: str
    start: str
    end: str
    slot_minutes: int
    capacity: int
    active: bool


class BandList(Answer):
    bands: list[Band]


class Slot(Answer):
    band_id: Id
    day: DayText
    start: str
    end: str
    kind: BandKind
    kind_name: str
    capacity: Count
    taken: Count
    free: Count


class SlotList(Answer):
    matter_id: Id
    slots: list[Slot]


class Booking(Answer):
    """``phone`` and ``id_number`` masked except for staff; ``code`` only to staff and to the
    citizen who just booked."""
    id: Id
    matter_id: Id
    matter: str
    queue_id: Id
    day: DayText
    start: str
    end: str
    slot_start: Time
    name: str
    phone: str
    id_number: str | None
    service_type: ServiceType
    priority_group: PriorityGroup | None = None
    state: BookingState
    state_name: str
    channel: str
    code: str | None
    public_url: str
    checked_in_at: Time | None
    late: bool
    ticket_number: str | None


class BookingList(Answer):
    day: DayText
    bookings: list[Booking]


class CheckIn(Answer):
    """``early``: a booked ticket held until ``called_from``; ``on_time``: a booked ticket;
    ``late``: an ordinary one."""
    outcome: Literal["early", "on_time", "late"]
    message: str
    called_from: Time | None = None
    booking: Booking
    ticket: IssuedTicket


class BookingFigures(Answer):
    """Per day: bookings made for the day, no-shows, and how long booked citizens waited from
    their slot's start to being called (median, seconds; none when nobody was called)."""
    day: DayText
    bookings: Count
    cancelled: Count
    no_shows: Count
    no_show_rate: float | None
    booked_wait_median_s: int | None
    visits_requested: Count = 0
    visits_done: Count = 0


class BookingFigureList(Answer):
    days: list[BookingFigures]


class VisitHelper(Answer):
    id: Id
    name: str
    hall: str


class Visit(Answer):
    id: Id
    citizen: str
    phone: str
    address: str
    reason: VisitReason
    reason_name: str
    matter_ids: list[Id]
    matters: list[str]
    proposed_at: Time
    scheduled_at: Time | None
    state: VisitState
    state_name: str
    overdue: bool
    helpers: list[VisitHelper]
    note: str
    report: str
    pages: Count
    case_id: Id | None


class VisitPage(Answer):
    id: Id
    visit_id: Id
    page: int
    content_type: str
    size: Count


class VisitList(Answer):
    visits: list[Visit]
