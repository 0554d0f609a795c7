"""ESC/POS command bytes used by the encoders (and understood by the simulator)."""

from __future__ import annotations

import numpy as np
from escpos.constants import DLE, ESC, GS
from PIL import Image

from .errors import ContentTooWide

FS = b"\x1c"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
LF = b"\n"
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
CUT_FULL = GS + b"V\x00"
# Simulator-only in-band command (unused DLE DC4 function 0x7F): switch a fault by name.
SIM_FAULT = DLE + b"\x14\x7f"


def bold(on: bool) -> bytes:
    return ESC + b"E" + (b"\x01" if on else b"\x00")


def size(width: int, height: int) -> bytes:
    """GS !: character size 1..8 each way; unlike ESC !, it enlarges Chinese too."""
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def feed(lines: int) -> bytes:
    return ESC + b"d" + bytes([lines])


def status_query(n: int) -> bytes:
    """DLE EOT n: 1 printer, 2 offline cause, 3 error cause, 4 paper sensor."""
    return DLE + b"\x04" + bytes([n])


def raster(image: Image.Image, max_width: int) -> bytes:
    """GS v 0: a bitmap, black where the image is dark. Refuses what the paper cannot hold."""
    if image.width > max_width:
        raise ContentTooWide(f"image {image.width} dots > paper {max_width} dots")
    dark = np.asarray(image.convert("L")) < 128
    pad = (-dark.shape[1]) % 8
    if pad:
        dark = np.pad(dark, ((0, 0), (0, pad)))
    packed = np.packbits(dark, axis=1)
    width_bytes, height = packed.shape[1], packed.shape[0]
    header = GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little")
    return header + packed.tobytes()


def _qr_function(fn: int, data: bytes = b"") -> bytes:
    body = b"1" + bytes([fn]) + data  # cn = 49: QR code
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


def qr_native(data: str, module_dots: int) -> bytes:
    """GS ( k: model 2, module size, error correction M, store the data, print it."""
    return (
        _qr_function(65, b"2\x00")
        + _qr_function(67, bytes([module_dots]))
        + _qr_function(69, b"1")
        + _qr_function(80, b"0" + data.encode("utf-8"))
        + _qr_function(81, b"0")
    )
