"""Documents to ESC/POS bytes, in the printer's Chinese text mode or as raster images.

Native mode sends GB18030 text after FS & (python-escpos' `text()` would send
code-page text where rare characters silently become "?"). A line the printer's
character set cannot hold (a four-byte GB18030 character on a GBK-only
printer) is printed as an image instead, never as "?".
"""

from __future__ import annotations

import qrcode
from PIL import Image

from . import escpos_commands as cmd
from .document import Document, Feed, Field, Picture, QRCode, Rule, Text
from .fonts import FontChain, default_chain
from .profiles import HALF_WIDTH_DOTS, PrinterProfile
from .raster_text import font_size, render_lines
from .wrap import native_columns, wrap

CUT_FEED_LINES = 4


def qr_image(data: str, module_dots: int, width: int) -> Image.Image:
    """The QR code as a bitmap, centred on a strip as wide as the paper."""
    code = qrcode.QRCode(box_size=module_dots, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    symbol = code.make_image().get_image().convert("L")
    strip = Image.new("L", (width, symbol.height), 255)
    strip.paste(symbol, ((width - symbol.width) // 2, 0))
    return strip


class Encoder:
    def __init__(self, profile: PrinterProfile, chain: FontChain | None):
        self.profile = profile
        self._chain = chain

    @property
    def chain(self) -> FontChain:
        if self._chain is None:  # loaded on first use: native text needs no fonts
            self._chain = default_chain()
        return self._chain

    def encode(self, document: Document) -> bytes:
        out = bytearray(self.start())
        for block in document.blocks:
            out += self.block(block)
        out += cmd.ALIGN["left"] + cmd.size(1, 1) + cmd.bold(False)
        if self.profile.cutter:
            out += cmd.feed(CUT_FEED_LINES) + cmd.CUT_FULL
        else:
            out += cmd.feed(CUT_FEED_LINES + 2)
        return bytes(out)

    def start(self) -> bytes:
        return cmd.INIT

    def block(self, block) -> bytes:
        if isinstance(block, Text):
            return self.text(block)
        if isinstance(block, Field):
            return self.field(block)
        if isinstance(block, Rule):
            return self.rule(block)
        if isinstance(block, QRCode):
            return self.qr(block)
        if isinstance(block, Feed):
            return cmd.feed(block.lines)
        if isinstance(block, Picture):
            return self.picture(block)
        raise TypeError(f"not a printable block: {block!r}")

    def qr(self, block: QRCode) -> bytes:
        if self.profile.native_qr:
            return cmd.ALIGN["center"] + cmd.qr_native(block.data, block.module_dots) + cmd.LF
        return self.image(qr_image(block.data, block.module_dots, self.profile.width_dots))

    def image(self, image: Image.Image) -> bytes:
        return cmd.ALIGN["left"] + cmd.raster(image, self.profile.width_dots)

    def picture(self, block: Picture) -> bytes:
        strip = Image.new("L", (self.profile.width_dots, block.image.height), 255)
        spare = max(0, self.profile.width_dots - block.image.width)
        strip.paste(block.image, ({"left": 0, "center": spare // 2, "right": spare}[block.align], 0))
        return self.image(strip)

    def raster_lines(self, lines: list[str], scale: int, bold: bool, align: str) -> bytes:
        image = render_lines(lines, self.profile.width_dots, self.chain, scale=scale, bold=bold, align=align)
        return self.image(image)

    def text(self, block: Text) -> bytes:
        raise NotImplementedError

    def field(self, block: Field) -> bytes:
        raise NotImplementedError

    def rule(self, block: Rule) -> bytes:
        raise NotImplementedError


class NativeTextEncoder(Encoder):
    def start(self) -> bytes:
        return cmd.INIT + cmd.CHINESE_ON

    def _columns(self, scale: int) -> int:
        return self.profile.width_dots // (HALF_WIDTH_DOTS * scale)

    def _encodable(self, line: str) -> bytes | None:
        data = line.encode("gb18030")
        if self.profile.native_text == "gbk" and any(len(c.encode("gb18030")) > 2 for c in line):
            return None
        return data

    def _lines(self, lines: list[str], scale: int, bold: bool, align: str) -> bytes:
        out = bytearray(cmd.ALIGN[align] + cmd.bold(bold) + cmd.size(scale, scale))
        for line in lines:
            data = self._encodable(line)
            if data is None:
                out += self.raster_lines([line], scale, bold, align) + cmd.ALIGN[align]
            else:
                out += data + cmd.LF
        return bytes(out)

    def text(self, block: Text) -> bytes:
        lines = wrap(block.text, self._columns(block.scale), native_columns)
        return self._lines(lines, block.scale, block.bold, block.align)

    def field(self, block: Field) -> bytes:
        label = block.head
        indent = " " * native_columns(label)
        lines = wrap(label + block.value, self._columns(1), native_columns, indent)
        return self._lines(lines, 1, False, "left")

    def rule(self, block: Rule) -> bytes:
        columns = self._columns(1) // native_columns(block.char)
        return self._lines([block.char * columns], 1, False, "left")


class RasterEncoder(Encoder):
    def _measure(self, scale: int, bold: bool = False):
        size = font_size(scale)
        return lambda text: self.chain.text_width(text, size, bold)

    def text(self, block: Text) -> bytes:
        lines = wrap(block.text, self.profile.width_dots, self._measure(block.scale, block.bold))
        return self.raster_lines(lines, block.scale, block.bold, block.align)

    def field(self, block: Field) -> bytes:
        label = block.head
        measure = self._measure(1)
        # Spaces of the chain's first font, as many as span the label.
        space = max(1, measure(" "))
        indent = " " * round(measure(label) / space)
        lines = wrap(label + block.value, self.profile.width_dots, measure, indent)
        return self.raster_lines(lines, 1, False, "left")

    def rule(self, block: Rule) -> bytes:
        image = Image.new("L", (self.profile.width_dots, 12), 255)
        image.paste(0, (0, 5, self.profile.width_dots, 7))
        return self.image(image)


def encoder_for(profile: PrinterProfile, chain: FontChain | None = None) -> Encoder:
    return (NativeTextEncoder if profile.native_text else RasterEncoder)(profile, chain)
