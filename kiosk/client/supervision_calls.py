"""The client's calls for supervision at a window and beyond: the green channel a coordinator
grants, the missing-materials slip, and the complaint register and return visits."""
from __future__ import annotations

from typing import Any

from kiosk.wire import supervision as wire


class SupervisionCalls:
    """Mixed into ``ApiClient``: uses its ``_answer`` plumbing."""

    _answer: Any

    def grant_green_channel(self, ticket_id: int, reason: str) -> dict:
        """Put a waiting ticket in the green channel (coordinators and chiefs only)."""
        return self._answer(wire.GreenChannelGranted, "POST", f"/api/v1/tickets/{ticket_id}/green-channel",
                            json=wire.GreenChannel(reason=reason).model_dump())

    def missing_materials(self, matter_id: int, have: list[str], *, ticket_id: int | None = None,
                          note: str = "") -> dict:
        """The slip's data: the matter's materials not in ``have``, for ``devices.printer``'s
        ``missing_materials_slip``."""
        body = wire.MissingMaterialsRequest(matter_id=matter_id, have=have, ticket_id=ticket_id, note=note)
        return self._answer(wire.MissingMaterialsSlip, "POST", "/api/v1/missing-materials",
                            json=body.model_dump(exclude_none=True))

    def register_complaint(self, **fields: Any) -> dict:
        body = wire.ComplaintNew(**fields)
        return self._answer(wire.Complaint, "POST", "/api/v1/complaints", json=body.model_dump(exclude_none=True))

    def complaints(self, status: str | None = None) -> list[dict]:
        return self._answer(list[wire.Complaint], "GET", "/api/v1/complaints",
                            params={"status": status} if status else None)

    def return_visits(self, status: str | None = None) -> list[dict]:
        return self._answer(list[wire.ReturnVisit], "GET", "/api/v1/return-visits",
                            params={"status": status} if status else None)
