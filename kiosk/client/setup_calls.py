"""What terminals read of the hall's own set-up: the staff it posts (公示)."""
from __future__ import annotations

from kiosk.wire.setup import StaffList


class SetupCalls:
    """A mixin of ApiClient: its ``_answer`` plumbing."""

    def posted_staff(self) -> dict:
        """{"hall", "staff": [{"name", "role", "post", "unit", "phone", "skills"}]}: the hall's active staff."""
        return self._answer(StaffList, "GET", "/api/v1/staff/posted")
