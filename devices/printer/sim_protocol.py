"""The simulator's ESC/POS reader: a byte stream in, jobs (text lines, images, QR codes, cuts) out.

It understands what our encoders send and what python-escpos commonly sends,
skips other commands by their known lengths, and records what it skipped.
Fed incrementally: a command split across TCP reads waits for its remaining bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PIL import Image

from .profiles import FULL_WIDTH_DOTS, HALF_WIDTH_DOTS, LINE_HEIGHT_DOTS

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT = 0x0A, 0x0D, 0x09

# Commands whose arguments have a fixed length we only need to skip.
_ESC_ARGS = {0x20: 1, 0x21: 1, 0x24: 2, 0x25: 1, 0x2D: 1, 0x32: 0, 0x33: 1, 0x3D: 1, 0x3F: 1,
             0x44: -1, 0x45: 1, 0x47: 1, 0x4A: 1, 0x4D: 1, 0x52: 1, 0x54: 1, 0x56: 1, 0x5C: 2,
             0x61: 1, 0x63: 2, 0x64: 1, 0x70: 3, 0x74: 1, 0x7B: 1}
_GS_ARGS = {0x21: 1, 0x42: 1, 0x48: 1, 0x49: 1, 0x4C: 2, 0x57: 2, 0x61: 1, 0x66: 1, 0x68: 1,
            0x72: 1, 0x77: 1}
_FS_ARGS = {0x21: 1, 0x26: 0, 0x2D: 1, 0x2E: 0, 0x43: 1, 0x53: 2, 0x57: 1}


class NeedMore(Exception):
    """The buffer ends inside a command."""


DEFAULT_LINE_SPACING = 30  # dots (30/203 inch); ESC 2 restores it, ESC 3 n sets n


@dataclass
class TextLine:
    """One printed row. A line wider than the paper is wrapped by the printer into several
    rows, each marked `overflow`: the sender meant it as one line."""
    text: str
    width_mult: int
    height_mult: int
    bold: bool
    align: str
    chinese_mode: bool
    raw: bytes
    width_dots: int
    feed_dots: int  # how far the paper moves for this row
    overflow: bool = False


@dataclass
class RasterImage:
    image: Image.Image  # 'L', black on white
    align: str


@dataclass
class QRSymbol:
    data: str
    module_dots: int
    align: str


@dataclass
class FeedLines:
    dots: int


@dataclass
class Job:
    paper_dots: int
    items: list = field(default_factory=list)
    cut: bool = False
    png_path: str = ""

    @property
    def lines(self) -> list[TextLine]:
        return [i for i in self.items if isinstance(i, TextLine)]

    @property
    def text(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def images(self) -> list[RasterImage]:
        return [i for i in self.items if isinstance(i, RasterImage)]

    @property
    def qr_codes(self) -> list[QRSymbol]:
        return [i for i in self.items if isinstance(i, QRSymbol)]

    def too_wide(self) -> list:
        """Lines the printer had to wrap, and images the paper could not hold."""
        wide = [line for line in self.lines if line.overflow]
        return wide + [i for i in self.images if i.image.width > self.paper_dots]


@dataclass
class _State:
    align: str = "left"
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1
    chinese: bool = False
    line_spacing: int = DEFAULT_LINE_SPACING
    qr_module: int = 3
    qr_data: bytes = b""


class EscPosReader:
    """Feed bytes; finished jobs go to `on_job`, status queries to `answer(n) -> bytes`."""

    def __init__(self, paper_dots: int, on_job: Callable[[Job], None], answer: Callable[[int], bytes],
                 on_sim_command: Callable[[str], None] = lambda name: None,
                 accepting: Callable[[], bool] = lambda: True):
        self.paper_dots = paper_dots
        self.on_job, self.answer, self.on_sim_command = on_job, answer, on_sim_command
        self.accepting = accepting  # False while a fault stops printing: content is dropped
        self.state = _State()
        self.job = Job(paper_dots)
        self.line: list[bytes] = []  # the current line, one entry per character
        self.line_state: _State | None = None
        self.buffer = bytearray()
        self.skipped: list[str] = []
        self.dropped_items = 0  # content that arrived while a fault stopped printing

    def feed(self, data: bytes) -> bytes:
        """Consume data; return the bytes to send back (status replies)."""
        self.buffer += data
        replies = bytearray()
        pos = 0
        try:
            while pos < len(self.buffer):
                pos = self._step(pos, replies)
        except NeedMore:
            pass
        del self.buffer[:pos]
        return bytes(replies)

    def finish(self) -> None:
        """The connection closed: an uncut job still counts as a job."""
        self._end_line()
        if self.job.items:
            self._end_job(cut=False)

    def _need(self, pos: int, count: int) -> bytes:
        if pos + count > len(self.buffer):
            raise NeedMore
        return bytes(self.buffer[pos : pos + count])

    def _step(self, pos: int, replies: bytearray) -> int:
        byte = self.buffer[pos]
        if byte == DLE:
            return self._dle(pos, replies)
        if byte == ESC:
            return self._esc(pos)
        if byte == GS:
            return self._gs(pos)
        if byte == FS:
            op, *args = self._need(pos + 1, 1 + _FS_ARGS.get(self._need(pos + 1, 1)[0], 0))
            if op == 0x26:
                self.state.chinese = True
            elif op == 0x2E:
                self.state.chinese = False
            elif op not in _FS_ARGS:
                self.skipped.append(f"FS {op:#04x}")
            return pos + 2 + len(args)
        if byte == LF:
            self._end_line(force_blank=True)
            return pos + 1
        if byte == CR:
            return pos + 1
        return self._text(pos)

    def _text(self, pos: int) -> int:
        byte = self.buffer[pos]
        size = 1
        if self.state.chinese and byte >= 0x81:
            second = self._need(pos + 1, 1)[0]
            size = 4 if 0x30 <= second <= 0x39 else 2
            self._need(pos, size)
        elif byte == HT:
            byte = 0x20
        elif byte < 0x20:
            return pos + 1
        if not self.line:
            self.line_state = _State(**vars(self.state))
        self.line.append(bytes([byte]) if size == 1 else bytes(self.buffer[pos : pos + size]))
        return pos + size

    def _dle(self, pos: int, replies: bytearray) -> int:
        op = self._need(pos + 1, 1)[0]
        if op == 0x04:  # DLE EOT n: real-time status
            n = self._need(pos + 2, 1)[0]
            replies += self.answer(n)
            return pos + 3
        if op == 0x14:  # DLE DC4 fn ...; fn 0x7F is the simulator's own fault switch
            fn = self._need(pos + 2, 1)[0]
            if fn == 0x7F:
                end = self.buffer.find(b"\x00", pos + 3)
                if end < 0:
                    raise NeedMore
                self.on_sim_command(self.buffer[pos + 3 : end].decode("ascii", "replace"))
                return end + 1
            return pos + 3 + (2 if fn in (1, 2) else 7 if fn == 8 else 0)
        if op == 0x05:
            self._need(pos + 2, 1)
            return pos + 3
        return pos + 1

    def _esc(self, pos: int) -> int:
        op = self._need(pos + 1, 1)[0]
        if op == 0x40:  # ESC @
            self._end_line()
            self.state = _State()
            return pos + 2
        if op == 0x2A:  # ESC * m nL nH data: column image, skipped
            m, nl, nh = self._need(pos + 2, 3)
            length = (nl + 256 * nh) * (1 if m in (0, 1) else 3)
            self._need(pos + 5, length)
            self.skipped.append("ESC *")
            return pos + 5 + length
        count = _ESC_ARGS.get(op)
        if count is None or count < 0:
            self.skipped.append(f"ESC {op:#04x}")
            return pos + 2
        args = self._need(pos + 2, count)
        if op == 0x61:
            self.state.align = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}.get(args[0], "left")
        elif op == 0x45:
            self.state.bold = bool(args[0] & 1)
        elif op == 0x21:
            self.state.bold = bool(args[0] & 0x08)
        elif op == 0x32:
            self.state.line_spacing = DEFAULT_LINE_SPACING
        elif op == 0x33:
            self.state.line_spacing = args[0]
        elif op == 0x64:
            self._end_line()
            self._content(FeedLines(args[0] * self.state.line_spacing))
        elif op == 0x4A:
            self._end_line()
            self._content(FeedLines(args[0]))
        return pos + 2 + count

    def _gs(self, pos: int) -> int:
        op = self._need(pos + 1, 1)[0]
        if op == 0x21:
            n = self._need(pos + 2, 1)[0]
            self.state.width_mult, self.state.height_mult = (n >> 4) + 1, (n & 0x0F) + 1
            return pos + 3
        if op == 0x76:  # GS v 0 m xL xH yL yH data
            _, _, xl, xh, yl, yh = self._need(pos + 2, 6)
            width_bytes, height = xl + 256 * xh, yl + 256 * yh
            data = self._need(pos + 8, width_bytes * height)
            self._end_line()
            self._content(RasterImage(_bitmap(data, width_bytes, height), self.state.align))
            return pos + 8 + width_bytes * height
        if op == 0x28:  # GS ( x pL pH ...
            kind, pl, ph = self._need(pos + 2, 3)
            body = self._need(pos + 5, pl + 256 * ph)
            if kind == 0x6B:
                self._qr(body)
            else:
                self.skipped.append(f"GS ( {chr(kind)}")
            return pos + 5 + len(body)
        if op == 0x56:  # GS V m [n]
            m = self._need(pos + 2, 1)[0]
            extra = 1 if m >= 65 else 0
            self._need(pos + 3, extra)
            self._end_line()
            self._end_job(cut=True)
            return pos + 3 + extra
        if op == 0x6B:  # GS k m ...: barcode, skipped
            m = self._need(pos + 2, 1)[0]
            if m <= 6:
                end = self.buffer.find(b"\x00", pos + 3)
                if end < 0:
                    raise NeedMore
                self.skipped.append("GS k")
                return end + 1
            n = self._need(pos + 3, 1)[0]
            self._need(pos + 4, n)
            self.skipped.append("GS k")
            return pos + 4 + n
        count = _GS_ARGS.get(op)
        if count is None:
            self.skipped.append(f"GS {op:#04x}")
            return pos + 2
        self._need(pos + 2, count)
        return pos + 2 + count

    def _qr(self, body: bytes) -> None:
        cn, fn = body[0], body[1]
        if cn != 0x31:
            self.skipped.append(f"GS ( k cn={cn}")
        elif fn == 67:
            self.state.qr_module = body[2]
        elif fn == 80:
            self.state.qr_data = body[3:]
        elif fn == 81:
            self._end_line()
            data = self.state.qr_data.decode("utf-8", "replace")
            self._content(QRSymbol(data, self.state.qr_module, self.state.align))

    def _content(self, item) -> None:
        if self.accepting():
            self.job.items.append(item)
        else:
            self.dropped_items += 1

    def _end_line(self, force_blank: bool = False) -> None:
        if not self.line:
            if force_blank:  # LF on an empty line feeds the line spacing
                self._content(FeedLines(self.state.line_spacing))
            return
        state, chars = self.line_state or self.state, list(self.line)
        self.line.clear()
        rows = _rows(chars, state, self.paper_dots)
        # A row feeds the line spacing, or the row's character height where that is taller (GS !).
        feed = max(state.line_spacing, LINE_HEIGHT_DOTS * state.height_mult)
        for row, width in rows:
            raw = b"".join(raw for raw, _ in row)
            self._content(TextLine("".join(text for _, text in row), state.width_mult, state.height_mult,
                                   state.bold, state.align, state.chinese, raw, width, feed, len(rows) > 1))

    def _end_job(self, cut: bool) -> None:
        if cut and not self.accepting():
            return  # a stopped printer does not cut: the partial receipt stays in it
        job, self.job = self.job, Job(self.paper_dots)
        job.cut = cut
        if job.items or cut:
            self.on_job(job)


def _rows(chars: list[bytes], state: _State, paper_dots: int) -> list[tuple[list[tuple[bytes, str]], int]]:
    """Split a line into the rows a printer prints: a character that would cross the right edge
    of the print area starts the next row."""
    encoding = "gb18030" if state.chinese else "cp437"
    rows: list[tuple[list[tuple[bytes, str]], int]] = [([], 0)]
    for raw in chars:
        text = raw.decode(encoding, "replace")
        dots = (FULL_WIDTH_DOTS if state.chinese and len(raw) > 1 else HALF_WIDTH_DOTS) * state.width_mult
        row, width = rows[-1]
        if row and width + dots > paper_dots:
            rows.append(([], 0))
            row, width = rows[-1]
        row.append((raw, text))
        rows[-1] = (row, width + dots)
    return rows


def _bitmap(data: bytes, width_bytes: int, height: int) -> Image.Image:
    import numpy as np

    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8).reshape(height, width_bytes), axis=1)
    return Image.fromarray(np.where(bits == 1, 0, 255).astype(np.uint8), "L")
