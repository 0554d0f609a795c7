"""Which events each caller reads from the stream: what its screen or device needs, no more.

Helpers and admins see every event of their hall; a device token sees only what its kind of
device shows (a leaked kiosk token must not read bad ratings' follow-ups or cases)."""
from __future__ import annotations

from kiosk.server.auth import Caller

LINE = frozenset({"ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.no_show",
                  "ticket.transferred", "ticket.finished", "window.staffed"})
SETUP = frozenset({"catalogue.changed", "staff.changed"})  # terminals reload what the hall set up
SEEN_BY_DEVICE = {
    "kiosk": LINE | SETUP,
    "display": LINE | SETUP,
    # the terminal follows the stream on its device token; a case's change carries no personal data
    "window": LINE | SETUP | {"document.added", "case.changed"},
    "pad": frozenset({"rating.requested", "rating.recorded"}),
}


def event_types(who: Caller) -> frozenset[str] | None:
    """The event types ``who`` may read; None: all of them."""
    if who.is_staff:
        return None
    return SEEN_BY_DEVICE.get(who.kind, frozenset())
