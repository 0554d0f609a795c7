"""A supervisor signed in through the browser, presented to the server's existing functions.

Those functions take a ``Caller``, which needs a ``Device`` for its hall and the audit log.
A browser is no registered device, so a small stand-in carries the hall and no device id:
audit rows then name the helper and leave ``device_id`` empty.
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.server.auth import Caller
from kiosk.server.models import Helper


@dataclass(frozen=True)
class WebBrowser:
    """What ``Caller`` reads of a device: the hall, an id for the audit log, a kind."""
    hall_id: int
    id: None = None
    kind: str = "web"
    name: str = "监督页面"
    window_number: None = None
    revoked: bool = False


def web_caller(helper: Helper) -> Caller:
    return Caller(device=WebBrowser(helper.hall_id), helper=helper)  # type: ignore[arg-type]


def hall_caller(hall_id: int) -> Caller:
    """Nobody signed in yet: for auditing failed sign-ins against the hall."""
    return Caller(device=WebBrowser(hall_id))  # type: ignore[arg-type]
