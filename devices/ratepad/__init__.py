"""Rating pad (评价器): wire protocol, serial driver, and a virtual pad on a pty. See PROTOCOL.md."""

from .driver import PadSettings, PadState, RatePad
from .errors import BadKeyMap, PadNotConnected, PadPortUnavailable, PadSilent, RatePadError
from .protocol import KEY_MAP_PRESETS, Ack, Hello, Heartbeat, KeyPress, parse_key_map

__all__ = [
    "Ack", "BadKeyMap", "Heartbeat", "Hello", "KEY_MAP_PRESETS", "KeyPress", "PadNotConnected",
    "PadPortUnavailable", "PadSettings", "PadSilent", "PadState", "RatePad", "RatePadError",
    "VirtualPad", "parse_key_map",
]


def __getattr__(name):
    # imported on first use, so `python -m devices.ratepad.simulator` does not import itself twice
    if name == "VirtualPad":
        from .simulator import VirtualPad

        return VirtualPad
    raise AttributeError(name)
