"""The wire codec: round trips, a streaming decoder that survives any chunking and any noise."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.ratepad import protocol as p
from devices.ratepad.errors import BadKeyMap, BadMessage

MESSAGES = [
    p.Hello(0xBEEF, "BB-PAD 2.1"),
    p.KeyPress(1, 5),
    p.KeyPress(0xFFFF, 1),
    p.Heartbeat(),
    p.Ack(p.MsgType.KEY, 513),
    p.RequestRating(0xDEADBEEF, 120),
    p.Show("欧阳娜娜", 12),
    p.Cancel(),
    p.Ping(),
]


def decode_all(data: bytes) -> list:
    decoder = p.FrameDecoder()
    return [p.parse(f) for f in decoder.feed(data)]


def test_crc8_is_smbus_crc():
    assert p.crc8(b"123456789") == 0xF4


def test_documented_example_frame():
    assert p.encode(p.KeyPress(7, 5)) == bytes.fromhex("02 03 02 00 07 05 FA 03")


@pytest.mark.parametrize("msg", MESSAGES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(msg):
    assert decode_all(p.encode(msg)) == [msg]


@given(seq=st.integers(0, 0xFFFF), score=st.integers(1, 5), request=st.integers(0, 2**32 - 1),
       timeout=st.integers(0, 0xFFFF), name=st.text(max_size=30), window=st.integers(0, 0xFFFF))
def test_round_trip_any_field_values(seq, score, request, timeout, name, window):
    assert decode_all(p.encode(p.KeyPress(seq, score))) == [p.KeyPress(seq, score)]
    assert decode_all(p.encode(p.RequestRating(request, timeout))) == [p.RequestRating(request, timeout)]
    shown = decode_all(p.encode(p.Show(name, window)))[0]
    assert shown.window == window
    assert name.startswith(shown.name) or "?" in shown.name  # cut to fit, or an unencodable char replaced


def test_long_name_is_cut_at_a_character_boundary():
    shown = decode_all(p.encode(p.Show("张" * 40, 3)))[0]
    assert shown.name == "张" * 23  # 46 bytes of GB18030 fit in 48 - 2


def test_chunks_split_at_every_position():
    stream = b"".join(p.encode(m) for m in MESSAGES)
    for cut in range(len(stream) + 1):
        decoder = p.FrameDecoder()
        frames = decoder.feed(stream[:cut]) + decoder.feed(stream[cut:])
        assert [p.parse(f) for f in frames] == MESSAGES, f"cut at {cut}"
        assert decoder.discarded_bytes == 0


def test_byte_by_byte():
    decoder = p.FrameDecoder()
    frames = [f for b in b"".join(p.encode(m) for m in MESSAGES) for f in decoder.feed(bytes([b]))]
    assert [p.parse(f) for f in frames] == MESSAGES


def test_bad_checksum_yields_nothing_and_is_counted():
    frame = bytearray(p.encode(p.KeyPress(3, 1)))
    frame[-2] ^= 0x01
    decoder = p.FrameDecoder()
    assert decoder.feed(bytes(frame)) == []
    assert decoder.bad_frames >= 1  # the KEY type byte is 0x02 too: a second false start


def test_missing_etx_and_oversized_length_are_false_starts():
    good = p.encode(p.KeyPress(9, 4))
    decoder = p.FrameDecoder()
    noise = good[:-1] + b"\x00" + bytes([p.STX, 0xFF, 0x02])
    assert [p.parse(f) for f in decoder.feed(noise + good)] == [p.KeyPress(9, 4)]


def test_partial_frame_waits_then_completes():
    good = p.encode(p.KeyPress(9, 4))
    decoder = p.FrameDecoder()
    assert decoder.feed(good[:4]) == []
    assert decoder.has_partial
    assert [p.parse(f) for f in decoder.feed(good[4:])] == [p.KeyPress(9, 4)]


def test_idle_line_releases_frames_held_behind_a_false_start():
    good = p.encode(p.KeyPress(9, 4))
    decoder = p.FrameDecoder()
    # a noise STX claiming 40 bytes swallows the real frame while the decoder waits for the rest
    assert decoder.feed(bytes([p.STX, 40]) + good) == []
    assert [p.parse(f) for f in decoder.line_idle()] == [p.KeyPress(9, 4)]
    assert not decoder.has_partial


@pytest.mark.parametrize("frame", [
    p.Frame(p.MsgType.KEY, b"\x00\x01\x09"),  # score 9
    p.Frame(p.MsgType.KEY, b"\x00\x01"),  # too short
    p.Frame(0x7E, b""),  # unknown type
    p.Frame(p.MsgType.HELLO, b"\x01"),
])
def test_checksum_valid_nonsense_is_a_bad_message(frame):
    decoder = p.FrameDecoder()
    (decoded,) = decoder.feed(p.encode_frame(frame))
    with pytest.raises(BadMessage):
        p.parse(decoded)


no_stx = st.binary(max_size=200).map(lambda b: b.replace(bytes([p.STX]), b""))


@settings(derandomize=True, max_examples=300)
@given(noise=st.binary(max_size=400), chunk=st.integers(1, 64))
def test_fuzz_random_bytes_never_crash_and_yield_only_checked_frames(noise, chunk):
    decoder = p.FrameDecoder()
    frames = [f for i in range(0, len(noise), chunk) for f in decoder.feed(noise[i:i + chunk])]
    frames += decoder.line_idle()
    for frame in frames:  # anything let through must be a checksum-valid frame really on the line
        assert p.encode_frame(frame) in noise
    assert not decoder.has_partial


@settings(derandomize=True, max_examples=300)
@given(before=no_stx, after=st.binary(max_size=200), msg=st.sampled_from(MESSAGES))
def test_fuzz_frame_in_noise_is_found(before, after, msg):
    decoder = p.FrameDecoder()
    frames = decoder.feed(before + p.encode(msg) + after)
    assert p.parse(frames[0]) == msg


@settings(derandomize=True, max_examples=300)
@given(before=st.binary(max_size=100), msg=st.sampled_from(MESSAGES))
def test_fuzz_frame_after_any_noise_is_found_once_the_line_idles(before, msg):
    decoder = p.FrameDecoder()
    frames = decoder.feed(before + p.encode(msg)) + decoder.line_idle()
    assert msg in [p.parse(f) for f in frames]


def test_simple_key_map_presets_and_noise():
    decoder = p.SimpleKeyDecoder(p.KEY_MAP_PRESETS["a1"])
    assert decoder.feed(b"\xa1\x00\xa5\xff\xa3") == [5, 1, 3]
    assert decoder.discarded_bytes == 2


@given(st.binary(max_size=300))
def test_fuzz_simple_pad_scores_only_mapped_bytes(noise):
    key_map = p.parse_key_map("ascii")
    assert p.SimpleKeyDecoder(key_map).feed(noise) == [key_map[b] for b in noise if b in key_map]


def test_parse_key_map():
    assert p.parse_key_map("0x31=5, 0x32=4,'3'=3") == {0x31: 5, 0x32: 4, 0x33: 3}
    assert p.parse_key_map("ascii-reversed")[ord("1")] == 5


@pytest.mark.parametrize("spec", ["0x31=6", "nonsense", "0x131=1", "0x31"])
def test_bad_key_map_says_how_to_fix_it(spec):
    with pytest.raises(BadKeyMap) as err:
        p.parse_key_map(spec)
    assert "0x31=1" in err.value.message
