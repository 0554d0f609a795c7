"""The driver against the virtual pad over a real pty, opened by path with pyserial."""

import os

import pytest

from devices.ratepad import (
    Heartbeat, Hello, KeyPress, PadNotConnected, PadSettings, PadState, RatePad, VirtualPad,
    parse_key_map,
)
from devices.ratepad import protocol as p

FAST = PadSettings(heartbeat_timeout_s=1.0, reopen_min_s=0.05, reopen_max_s=0.2)


def test_hello_with_firmware_and_heartbeats(sim, pad, expect):
    hello = expect(pad, Hello)
    assert hello.firmware == "BB-PAD-SIM 1.0"
    assert hello.boot_id == sim.boot_id
    expect(pad, Heartbeat, timeout=1)


def test_key_press_is_delivered_once_and_acked(sim, pad, expect, collect):
    seq = sim.press(4)
    press = expect(pad, KeyPress)
    assert press == KeyPress(seq, 4)
    # unacked, the pad resends every 0.2 s; the driver must not deliver it again
    assert not [e for e in collect(pad, 0.7) if isinstance(e, KeyPress)]
    assert pad.stats.duplicate_keys >= 2
    assert sim.unacked() == [seq]
    pad.ack_key(seq)
    assert sim.wait_until(lambda: sim.unacked() == [])


def test_request_show_cancel_and_ping_reach_the_pad(sim, pad, expect):
    pad.request_rating(0x12345678, 30)
    pad.show("张三", 3)
    assert sim.wait_until(lambda: sim.lit and sim.shown is not None)
    assert sim.request == p.RequestRating(0x12345678, 30)
    assert sim.shown == p.Show("张三", 3)
    expect(pad, p.Ack, where=lambda a: a.of_type == p.MsgType.REQUEST_RATING and a.ref == 0x5678)
    pad.cancel()
    assert sim.wait_until(lambda: not sim.lit)
    pad.ping()
    expect(pad, Hello)


def test_garbage_on_the_line_never_becomes_a_key(sim, pad, expect, collect):
    fake = bytearray(p.encode(p.KeyPress(77, 1)))
    fake[-2] ^= 0xFF  # bad checksum
    sim.send_garbage(bytes(fake) + os.urandom(300).replace(b"\x02", b"") + bytes([p.STX, 30]))
    sim.send_garbage(p.encode_frame(p.Frame(p.MsgType.KEY, b"\x00\x05\x07")))  # score 7: nonsense
    assert not [e for e in collect(pad, 0.5) if isinstance(e, KeyPress)]
    assert pad.stats.bad_frames >= 1 and pad.stats.bad_messages >= 1
    seq = sim.press(2)
    assert expect(pad, KeyPress) == KeyPress(seq, 2)
    assert pad.connected


def test_unplug_and_replug_on_the_same_path(sim, pad, expect):
    sim.unplug()
    lost = expect(pad, PadState, where=lambda s: not s.connected)
    assert "评价器" in lost.message
    with pytest.raises(PadNotConnected):
        pad.request_rating(1, 10)
    sim.replug()
    expect(pad, PadState, where=lambda s: s.connected)
    expect(pad, Hello)
    pad.request_rating(2, 10)
    assert sim.wait_until(lambda: sim.lit)
    seq = sim.press(5)
    assert expect(pad, KeyPress) == KeyPress(seq, 5)


def test_key_pressed_while_unplugged_arrives_after_replug(sim, pad, expect):
    sim.unplug()
    expect(pad, PadState, where=lambda s: not s.connected)
    sim.replug()
    seq = sim.press(3)  # may be sent before the host has reopened: the pad resends until acked
    assert expect(pad, KeyPress, timeout=4) == KeyPress(seq, 3)


def test_silent_pad_is_reported_and_reopened(tmp_path, expect):
    with VirtualPad(str(tmp_path / "pad0"), heartbeat_s=60) as sim:  # the wire is there, the pad says nothing
        with RatePad(sim.path, PadSettings(heartbeat_timeout_s=0.4, reopen_min_s=0.05)) as pad:
            expect(pad, PadState, where=lambda s: s.connected)
            lost = expect(pad, PadState, where=lambda s: not s.connected)
            assert lost.code == "pad_heartbeat_lost"
            expect(pad, PadState, where=lambda s: s.connected)
            assert pad.stats.reconnects >= 1


def test_missing_port_is_reported_until_it_appears(tmp_path, expect):
    path = str(tmp_path / "pad0")
    with RatePad(path, FAST) as pad:
        state = expect(pad, PadState)
        assert not state.connected and state.code == "pad_port_unavailable"
        assert path in state.message
        with VirtualPad(path, heartbeat_s=0.2):
            expect(pad, PadState, where=lambda s: s.connected)
            expect(pad, Hello)


def test_pad_reboot_restarts_the_sequence_without_losing_keys(sim, pad, expect):
    first = sim.press(5)
    pad.ack_key(expect(pad, KeyPress).seq)
    sim.reboot()
    expect(pad, Hello, where=lambda h: h.boot_id == sim.boot_id)
    again = sim.press(1)
    assert again == first == 1
    assert expect(pad, KeyPress) == KeyPress(1, 1)


def test_simple_pad_with_a_key_map(tmp_path, expect, collect):
    key_map = parse_key_map("a1")  # 0xA1 is 非常满意
    with VirtualPad(str(tmp_path / "pad0"), simple_key_map=key_map) as sim:
        with RatePad(sim.path, PadSettings(simple_key_map=key_map)) as pad:
            expect(pad, PadState, where=lambda s: s.connected)
            sim.send_garbage(b"\x00\x31\xff")
            sim.press(5)
            sim.press(1)
            assert [e.score for e in collect(pad, 0.5) if isinstance(e, KeyPress)] == [5, 1]
            assert pad.stats.discarded_bytes == 3
            assert pad.request_rating(1, 30) is False  # nothing to light on a simple pad


def test_loop_url_is_the_same_code_path(expect, collect):
    # loop:// hands back what the host sends: host-to-pad messages must not pass for pad events
    with RatePad("loop://", FAST) as pad:
        expect(pad, PadState, where=lambda s: s.connected)
        assert pad.request_rating(1, 30)
        events = collect(pad, 0.3)
        assert not [e for e in events if isinstance(e, (KeyPress, Hello))]
        assert pad.stats.bad_messages == 2  # the PING sent on open, and the REQUEST_RATING
