"""The rating pad wire protocol (see PROTOCOL.md): frame codec, messages, and a streaming decoder.

Pure code: bytes in, dataclasses out. No I/O, no clock.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from .errors import BadKeyMap, BadMessage

STX = 0x02
ETX = 0x03
MAX_PAYLOAD = 48
FRAME_OVERHEAD = 5  # STX, LEN, TYPE, CRC, ETX
SCORES = range(1, 6)


class MsgType(IntEnum):
    # pad -> host
    HELLO = 0x01
    KEY = 0x02
    HEARTBEAT = 0x03
    ACK = 0x04
    # host -> pad
    REQUEST_RATING = 0x10
    SHOW = 0x11
    CANCEL = 0x12
    PING = 0x13


@dataclass(frozen=True)
class Frame:
    type: int
    payload: bytes = b""


# ---- messages -------------------------------------------------------------


@dataclass(frozen=True)
class Hello:
    boot_id: int  # u16, new random value at each power-on
    firmware: str


@dataclass(frozen=True)
class KeyPress:
    seq: int  # u16, wraps; resets at power-on
    score: int  # 1..5


@dataclass(frozen=True)
class Heartbeat:
    pass


@dataclass(frozen=True)
class Ack:
    of_type: int  # the MsgType acknowledged
    ref: int = 0  # u16: the KEY's seq, or the request id's low 16 bits


@dataclass(frozen=True)
class RequestRating:
    request_id: int  # u32
    timeout_s: int  # u16


@dataclass(frozen=True)
class Show:
    name: str
    window: int  # u16


@dataclass(frozen=True)
class Cancel:
    pass


@dataclass(frozen=True)
class Ping:
    pass


Message = Hello | KeyPress | Heartbeat | Ack | RequestRating | Show | Cancel | Ping


# ---- checksum and frames --------------------------------------------------


def crc8(data: bytes) -> int:
    """CRC-8/SMBUS: polynomial 0x07, init 0x00, no reflection (check value of b'123456789' is 0xF4)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def encode_frame(frame: Frame) -> bytes:
    if len(frame.payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(frame.payload)} bytes exceeds {MAX_PAYLOAD}")
    body = bytes([len(frame.payload), frame.type]) + frame.payload
    return bytes([STX]) + body + bytes([crc8(body), ETX])


def _fit_gb18030(text: str, limit: int) -> bytes:
    """Encode in GB18030, cut at a character boundary so a pad never shows half a 汉字."""
    out = b""
    for ch in text:
        piece = ch.encode("gb18030", errors="replace")
        if len(out) + len(piece) > limit:
            break
        out += piece
    return out


def to_frame(msg: Message) -> Frame:
    match msg:
        case Hello(boot_id, firmware):
            return Frame(MsgType.HELLO, struct.pack(">H", boot_id) + firmware.encode("ascii", "replace")[: MAX_PAYLOAD - 2])
        case KeyPress(seq, score):
            return Frame(MsgType.KEY, struct.pack(">HB", seq & 0xFFFF, score))
        case Heartbeat():
            return Frame(MsgType.HEARTBEAT)
        case Ack(of_type, ref):
            return Frame(MsgType.ACK, struct.pack(">BH", of_type, ref & 0xFFFF))
        case RequestRating(request_id, timeout_s):
            return Frame(MsgType.REQUEST_RATING, struct.pack(">IH", request_id & 0xFFFFFFFF, min(timeout_s, 0xFFFF)))
        case Show(name, window):
            return Frame(MsgType.SHOW, struct.pack(">H", window) + _fit_gb18030(name, MAX_PAYLOAD - 2))
        case Cancel():
            return Frame(MsgType.CANCEL)
        case Ping():
            return Frame(MsgType.PING)
    raise TypeError(f"not a rating pad message: {msg!r}")


def encode(msg: Message) -> bytes:
    return encode_frame(to_frame(msg))


def _expect_len(frame: Frame, n: int) -> None:
    if len(frame.payload) != n:
        raise BadMessage(f"type 0x{frame.type:02x}: payload {len(frame.payload)} bytes, expected {n}")


def parse(frame: Frame) -> Message:
    """Turn a checksum-valid frame into a message; raise BadMessage when its content makes no sense."""
    p = frame.payload
    match frame.type:
        case MsgType.HELLO:
            if len(p) < 2:
                raise BadMessage("HELLO without boot id")
            return Hello(struct.unpack(">H", p[:2])[0], p[2:].decode("ascii", "replace"))
        case MsgType.KEY:
            _expect_len(frame, 3)
            seq, score = struct.unpack(">HB", p)
            if score not in SCORES:
                raise BadMessage(f"KEY score {score} outside 1..5")
            return KeyPress(seq, score)
        case MsgType.HEARTBEAT:
            return Heartbeat()
        case MsgType.ACK:
            _expect_len(frame, 3)
            return Ack(*struct.unpack(">BH", p))
        case MsgType.REQUEST_RATING:
            _expect_len(frame, 6)
            return RequestRating(*struct.unpack(">IH", p))
        case MsgType.SHOW:
            if len(p) < 2:
                raise BadMessage("SHOW without window number")
            return Show(p[2:].decode("gb18030", "replace"), struct.unpack(">H", p[:2])[0])
        case MsgType.CANCEL:
            return Cancel()
        case MsgType.PING:
            return Ping()
    raise BadMessage(f"unknown type 0x{frame.type:02x}")


# ---- streaming decoder ----------------------------------------------------


class FrameDecoder:
    """Turns arbitrary byte chunks into valid frames.

    After any error (oversized length, bad checksum, missing ETX) it drops only the STX that
    started the candidate and rescans from the next byte, so a valid frame hidden inside a
    false start is still found. Counts what it threw away.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.discarded_bytes = 0
        self.bad_frames = 0

    @property
    def has_partial(self) -> bool:
        return bool(self._buf)

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        while self._buf:
            start = self._buf.find(STX)
            if start < 0:
                self._drop(len(self._buf))
                break
            self._drop(start)
            if len(self._buf) < 2:
                break
            length = self._buf[1]
            if length > MAX_PAYLOAD:
                self._drop(1)
                continue
            total = length + FRAME_OVERHEAD
            if len(self._buf) < total:
                break
            if self._buf[total - 1] != ETX or crc8(self._buf[1 : total - 2]) != self._buf[total - 2]:
                self.bad_frames += 1
                self._drop(1)
                continue
            frames.append(Frame(self._buf[2], bytes(self._buf[3 : total - 2])))
            del self._buf[:total]
        return frames

    def line_idle(self) -> list[Frame]:
        """The line went quiet mid-frame: a real frame arrives in one burst, so this was a false start.

        Drop the false STX and rescan what followed; repeat until nothing partial is left waiting
        on bytes that are not coming.
        """
        frames: list[Frame] = []
        while self._buf:
            self.bad_frames += 1
            self._drop(1)
            frames += self.feed(b"")
        return frames

    def _drop(self, n: int) -> None:
        if n:
            self.discarded_bytes += n
            del self._buf[:n]


# ---- simple pads: one byte per key -----------------------------------------

KEY_MAP_PRESETS: dict[str, dict[int, int]] = {
    # ASCII digits, key '5' is 非常满意
    "ascii": {0x31 + i: i + 1 for i in range(5)},
    # ASCII digits, key '1' is 非常满意 (pads numbered left to right from the happy face)
    "ascii-reversed": {0x31 + i: 5 - i for i in range(5)},
    # raw bytes 0x01..0x05
    "binary": {0x01 + i: i + 1 for i in range(5)},
    # 0xA1..0xA5, 0xA1 is 非常满意 (common on older pads)
    "a1": {0xA1 + i: 5 - i for i in range(5)},
}


def parse_key_map(spec: str) -> dict[int, int]:
    """A preset name, or pairs like `0x31=1,0x32=2,'3'=3` (byte = score)."""
    spec = spec.strip()
    if spec in KEY_MAP_PRESETS:
        return dict(KEY_MAP_PRESETS[spec])
    key_map: dict[int, int] = {}
    try:
        for pair in spec.split(","):
            raw, score_text = pair.split("=")
            raw = raw.strip()
            if len(raw) == 3 and raw[0] == raw[2] == "'":
                byte = ord(raw[1])
            else:
                byte = int(raw, 0)
            score = int(score_text)
            if not 0 <= byte <= 0xFF or score not in SCORES:
                raise ValueError(f"{raw}={score_text}")
            key_map[byte] = score
    except ValueError as exc:
        raise BadKeyMap(spec, str(exc)) from None
    return key_map


class SimpleKeyDecoder:
    """For pads that send one byte per key: bytes not in the key map are line noise and are counted, never scored."""

    def __init__(self, key_map: dict[int, int]) -> None:
        self.key_map = dict(key_map)
        self.discarded_bytes = 0

    def feed(self, data: bytes) -> list[int]:
        scores = []
        for byte in data:
            score = self.key_map.get(byte)
            if score is None:
                self.discarded_bytes += 1
            else:
                scores.append(score)
        return scores
