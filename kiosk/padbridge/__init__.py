"""The rating pad bridge (`bangban pad`): server events light the window's pad, presses become ratings."""

from .bridge import BridgeSettings, PadBridge, run_bridge
from .outbox import Outbox, OutboxRating
from .server_link import ServerLink

__all__ = ["BridgeSettings", "Outbox", "OutboxRating", "PadBridge", "ServerLink", "run_bridge"]
