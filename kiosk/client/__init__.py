"""The HTTP client every terminal uses (kiosk, window terminal, hall display, pad bridge)."""
from .api import ApiClient, SignedIn
from .errors import (
    ApiError, BadCredentials, ClientError, Conflict, Forbidden, Invalid, NotFound,
    ServerTrouble, ServerUnreachable, TooManyAttempts, UNREACHABLE_MESSAGE,
)
from .events import Backoff, EventFollower

__all__ = [
    "ApiClient", "ApiError", "Backoff", "BadCredentials", "ClientError", "Conflict", "EventFollower", "Forbidden",
    "Invalid", "NotFound", "ServerTrouble", "ServerUnreachable", "SignedIn", "TooManyAttempts",
    "UNREACHABLE_MESSAGE",
]
