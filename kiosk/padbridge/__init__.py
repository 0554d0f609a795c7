"""The rating pad bridge (`bangban pad`): server events light the window's pad, presses become ratings."""

from .bridge import BridgeSettings, PadBridge, run_bridge
from .outbox import Outbox, OutboxRating

__all__ = ["BridgeSettings", "Outbox", "OutboxRating", "PadBridge", "run_bridge"]
