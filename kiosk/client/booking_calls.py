"""The client's calls for appointments (预约办) and home visits (上门办): a mixin of ApiClient,
on its ``_answer`` plumbing, every answer parsed with ``kiosk.wire.bookings``."""
from __future__ import annotations

from kiosk.wire import bookings as wire


def _key(idempotency_key: str | None) -> dict | None:
    return {"Idempotency-Key": idempotency_key} if idempotency_key else None


class BookingCalls:
    def check_in(self, *, code: str | None = None, phone: str | None = None, token: str | None = None,
                 idempotency_key: str | None = None) -> dict:
        """At the kiosk, by one of the three: {"outcome", "message", "booking", "ticket"}; the
        ticket as issue_ticket's."""
        body = {k: v for k, v in (("code", code), ("phone", phone), ("token", token)) if v is not None}
        return self._answer(wire.CheckIn, "POST", "/api/v1/bookings/check-in", json=body,
                            headers=_key(idempotency_key))

    def booking_slots(self, matter_id: int, first: str | None = None, days: int = 7) -> list[dict]:
        params = {"matter_id": matter_id, "days": days, **({"first": first} if first else {})}
        return self._answer(wire.SlotList, "GET", "/api/v1/booking-slots", params=params)["slots"]

    def book(self, *, matter_id: int, day: str, start: str, name: str, phone: str,
             service_type: str = "help", id_number: str | None = None, priority_group: str | None = None,
             idempotency_key: str | None = None) -> dict:
        body = {"matter_id": matter_id, "day": day, "start": start, "name": name, "phone": phone,
                "service_type": service_type, **({"id_number": id_number} if id_number else {}),
                **({"priority_group": priority_group} if priority_group else {})}
        return self._answer(wire.Booking, "POST", "/api/v1/bookings", json=body, headers=_key(idempotency_key))

    def day_bookings(self, day: str | None = None) -> dict:
        return self._answer(wire.BookingList, "GET", "/api/v1/bookings", params={"day": day} if day else None)

    def cancel_booking(self, booking_id: int) -> dict:
        return self._answer(wire.Booking, "POST", f"/api/v1/bookings/{booking_id}/cancel")

    def move_booking(self, booking_id: int, day: str, start: str) -> dict:
        return self._answer(wire.Booking, "POST", f"/api/v1/bookings/{booking_id}/move",
                            json={"day": day, "start": start})

    def my_visits(self) -> list[dict]:
        """The home visits the signed-in helper is assigned to, due first."""
        return self._answer(wire.VisitList, "GET", "/api/v1/home-visits", params={"mine": "true"})["visits"]

    def report_visit(self, visit_id: int, report: str, case_id: int | None = None) -> dict:
        body = {"report": report, **({"case_id": case_id} if case_id else {})}
        return self._answer(wire.Visit, "POST", f"/api/v1/home-visits/{visit_id}/report", json=body)

    def upload_visit_page(self, visit_id: int, data: bytes, content_type: str, key: str) -> dict:
        """A page photographed at the visit, with any camera (JPEG, PNG or PDF)."""
        return self._upload(wire.VisitPage, f"/api/v1/home-visits/{visit_id}/pages", data, content_type, key)
