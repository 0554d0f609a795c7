"""A virtual pad on a real pty, and the driver reading it through the same path a real port has."""

import queue
import time

import pytest

from devices.ratepad import PadSettings, PadState, RatePad, VirtualPad

FAST = PadSettings(heartbeat_timeout_s=1.0, reopen_min_s=0.05, reopen_max_s=0.2)


def next_event(pad: RatePad, kind: type, timeout: float = 3.0, where=lambda e: True):
    """The next event of `kind` satisfying `where`, skipping others; fails the test on timeout."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = pad.events.get(timeout=left)
        except queue.Empty:
            break
        if isinstance(event, kind) and where(event):
            return event
    pytest.fail(f"no {kind.__name__} within {timeout}s")


def drain(pad: RatePad, seconds: float) -> list:
    """Everything the pad reports during `seconds`."""
    out, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            out.append(pad.events.get(timeout=left))
        except queue.Empty:
            pass
    return out


@pytest.fixture
def sim(tmp_path):
    with VirtualPad(str(tmp_path / "pad0"), heartbeat_s=0.2, resend_s=0.2) as pad:
        yield pad


@pytest.fixture
def pad(sim):
    driver = RatePad(sim.path, FAST).start()
    next_event(driver, PadState, where=lambda s: s.connected)
    yield driver
    driver.stop()


@pytest.fixture
def expect():
    return next_event


@pytest.fixture
def collect():
    return drain
