"""Bookings (预约办) over the API: bands and slots, booking by a helper or the citizen, cancel
and move, check-in at the kiosk, the day's list, and the figures."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Callable

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from kiosk.domain import booking_rules as rules
from kiosk.server import booking_records, booking_slots as slots_db, bookings as ops, citizen_bookings
from kiosk.server.auth import Caller, require
from kiosk.server.deps import IdemKey, ServerState, caller, request_key, server
from kiosk.server.errors import ApiError, answers, not_found
from kiosk.server.models import BookingBand, Matter
from kiosk.server.schemas import answer
from kiosk.server.timeutil import iso, local_day, utcnow
from kiosk.wire import bookings as wire
from kiosk.wire.answers import IssuedTicket
from kiosk.wire.vocabulary import Day

router = APIRouter(prefix="/api/v1", tags=["bookings"])
BookingId = Annotated[int, Path(ge=1, le=2**62)]
Token = Annotated[str, Path(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
HallCode = Annotated[str, Path(min_length=1, max_length=32)]
CHANGE = answers(400, 401, 403, 404, 409, 413, 422, 503)


def _write(bb: ServerState, work: Callable):
    return ops.written(bb.db, work)


def _out(bb: ServerState, db, booking, *, staff: bool, show_code: bool) -> wire.Booking:
    return wire.Booking(**ops.booking_out(db, booking, bb.settings.public_url, staff=staff, show_code=show_code))


# --- bands and slots -----------------------------------------------------------------

@router.get("/booking-bands", response_model=wire.BandList, responses=answers(401, 403, 422, 503))
def list_bands(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff", "kiosk")
    with bb.db.read() as db:
        bands = db.scalars(select(BookingBand).where(BookingBand.hall_id == who.hall_id).order_by(BookingBand.id))
        return wire.BandList(bands=[wire.Band(**slots_db.band_out(b)) for b in bands])


@router.post("/booking-bands", status_code=201, response_model=wire.Band, responses=CHANGE)
async def add_band(req: wire.BandRequest, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    _supervisor(who)
    return await run_in_threadpool(_write, bb, lambda db: wire.Band(**slots_db.band_out(
        slots_db.save_band(db, who, req))))


@router.put("/booking-bands/{band_id}", response_model=wire.Band, responses=CHANGE)
async def change_band(band_id: Annotated[int, Path(ge=1, le=2**31 - 1)], req: wire.BandRequest,
                      who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Capacity, times, active or not; a band with bookings to come keeps their slots and places."""
    _supervisor(who)
    return await run_in_threadpool(_write, bb, lambda db: wire.Band(**slots_db.band_out(
        slots_db.save_band(db, who, req, band_id))))


def _supervisor(who: Caller) -> None:
    if not who.is_supervisor:
        raise ApiError(403, "forbidden", "只有协调员和首席帮办代办员可以设置预约时段")


def _slot_list(bb: ServerState, hall_id: int, matter_id: int, first: date | None, days: int) -> wire.SlotList:
    now = utcnow()
    with bb.db.read() as db:
        matter = db.get(Matter, matter_id)
        if matter is None or matter.hall_id != hall_id:
            raise not_found("事项")
        found = slots_db.slots(db, matter, first or local_day(now), days, now)
    return wire.SlotList(matter_id=matter_id, slots=[wire.Slot(**s) for s in found])


@router.get("/booking-slots", response_model=wire.SlotList, responses=answers(401, 403, 404, 422, 503))
def list_slots(matter_id: Annotated[int, Query(ge=1, le=2**31 - 1)], first: Day | None = Query(default=None),
               days: Annotated[int, Query(ge=1, le=slots_db.MAX_DAYS)] = 7,
               who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    return _slot_list(bb, who.hall_id, matter_id, first, days)


# --- bookings by staff ------------------------------------------------------------------

@router.post("/bookings", status_code=201, response_model=wire.Booking,
             responses={200: {"model": wire.Booking, "description": "同一 Idempotency-Key 的重试：第一次的预约"},
                        **CHANGE})
async def make_booking(req: wire.BookingRequest, idempotency_key: str | None = IdemKey,
                       who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "helper")
    key = request_key(idempotency_key, f"device:{who.device.id}:")

    def work(db):
        booking, replayed = ops.book(db, who, who.hall_id, req, "window", key, utcnow())
        return _out(bb, db, booking, staff=True, show_code=True), replayed
    out, replayed = await run_in_threadpool(_write, bb, work)
    return answer(out, 200 if replayed else 201)


@router.get("/bookings", response_model=wire.BookingList, responses=answers(401, 403, 422, 503))
async def day_bookings(day: Day | None = Query(default=None), who: Caller = Depends(caller),
                       bb: ServerState = Depends(server)):
    """The day's bookings with their state; those nobody came for by their slot's end are no-shows."""
    require(who, "staff")

    def work(db):
        now = utcnow()
        ops.settle(db, who.hall_id, now)
        shown = day or local_day(now)
        return wire.BookingList(day=shown.isoformat(), bookings=[
            _out(bb, db, b, staff=True, show_code=True) for b in ops.day_list(db, who.hall_id, shown)])
    return await run_in_threadpool(_write, bb, work)


@router.post("/bookings/{booking_id}/cancel", response_model=wire.Booking, responses=CHANGE)
async def cancel_booking(booking_id: BookingId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "helper")
    return await run_in_threadpool(_write, bb, lambda db: _out(
        bb, db, ops.cancel(db, who, ops.for_staff(db, who, booking_id, lock=True), utcnow()), staff=True,
        show_code=True))


@router.post("/bookings/{booking_id}/move", response_model=wire.Booking, responses=CHANGE)
async def move_booking(booking_id: BookingId, req: wire.BookingMove, who: Caller = Depends(caller),
                       bb: ServerState = Depends(server)):
    require(who, "helper")
    return await run_in_threadpool(_write, bb, lambda db: _out(
        bb, db, ops.move(db, who, ops.for_staff(db, who, booking_id, lock=True), req.day, req.start, utcnow()),
        staff=True, show_code=True))


@router.post("/bookings/check-in", response_model=wire.CheckIn, responses=CHANGE)
async def check_in(req: wire.CheckInRequest, idempotency_key: str | None = IdemKey,
                   who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """At the kiosk: a booked ticket from the check-in window to the grace (held until the slot's
    lead when early), an ordinary one after."""
    require(who, "kiosk")
    key = request_key(idempotency_key)

    def work(db):
        booking, ticket, outcome = ops.check_in(db, who, req, key, bb.policy, bb.settings.booking_timing(),
                                                utcnow())
        ticket = IssuedTicket(**ticket.model_dump(), status_url=f"{bb.settings.public_url}/t/{ticket.public_token}")
        return wire.CheckIn(outcome=outcome, message=rules.checkin_words(outcome, booking.start),
                            called_from=iso(ops.called_from(booking, bb.policy)),
                            booking=_out(bb, db, booking, staff=False, show_code=False), ticket=ticket)
    return await run_in_threadpool(_write, bb, work)


# --- figures and ledger -------------------------------------------------------------------

@router.get("/booking-figures", response_model=wire.BookingFigureList, responses=answers(401, 403, 422, 503))
async def booking_figures(first: Day | None = Query(default=None, alias="from"),
                          last: Day | None = Query(default=None, alias="to"),
                          who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")

    def work(db):
        now = utcnow()
        ops.settle(db, who.hall_id, now)
        end = last or local_day(now)
        start = first or end - timedelta(days=6)
        if (end - start).days > 366 or end < start:
            raise ApiError(422, "invalid_range", "日期范围应在一年以内，且开始不晚于结束")
        return wire.BookingFigureList(days=[wire.BookingFigures(**d) for d in
                                            booking_records.figures(db, who.hall_id, start, end)])
    return await run_in_threadpool(_write, bb, work)


# --- the citizen, with no account --------------------------------------------------------

@router.get("/public/halls/{hall}/booking-slots", response_model=wire.SlotList,
            responses=answers(404, 422, 503))
def public_slots(hall: HallCode, matter_id: Annotated[int, Query(ge=1, le=2**31 - 1)],
                 first: Day | None = Query(default=None),
                 days: Annotated[int, Query(ge=1, le=slots_db.MAX_DAYS)] = 7, bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        hall_id = citizen_bookings.hall_by_code(db, hall).id
    return _slot_list(bb, hall_id, matter_id, first, days)


@router.post("/public/halls/{hall}/bookings", status_code=201, response_model=wire.Booking,
             responses={200: {"model": wire.Booking, "description": "同一 Idempotency-Key 的重试：第一次的预约"},
                        **answers(400, 404, 409, 413, 422, 429, 503)})
async def public_book(hall: HallCode, req: wire.BookingRequest, request: Request,
                      idempotency_key: str | None = IdemKey, bb: ServerState = Depends(server)):
    key = request_key(idempotency_key, "public:")
    address = request.client.host if request.client else ""
    out, replayed = await run_in_threadpool(citizen_bookings.book, bb, hall, req, key, address)
    return answer(out, 200 if replayed else 201)


@router.get("/public/bookings/{token}", response_model=wire.Booking, responses=answers(404, 422, 503))
def public_booking(token: Token, bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        booking = db.scalar(select(ops.Booking).where(ops.Booking.public_token == token))
        if booking is None:
            raise ApiError(404, "not_found", "找不到该预约，请核对链接")
        return _out(bb, db, booking, staff=False, show_code=False)


@router.post("/public/bookings/{token}/cancel", response_model=wire.Booking,
             responses=answers(400, 403, 404, 409, 413, 422, 429, 503))
async def public_cancel(token: Token, req: wire.CitizenProof, bb: ServerState = Depends(server)):
    return await run_in_threadpool(citizen_bookings.change, bb, token, req,
                                   lambda db, b: ops.cancel(db, None, b, utcnow()))


@router.post("/public/bookings/{token}/move", response_model=wire.Booking,
             responses=answers(400, 403, 404, 409, 413, 422, 429, 503))
async def public_move(token: Token, req: wire.CitizenMove, bb: ServerState = Depends(server)):
    return await run_in_threadpool(citizen_bookings.change, bb, token, req,
                                   lambda db, b: ops.move(db, None, b, req.day, req.start, utcnow()))
