"""Draw a simulated job on a paper-wide strip: text with the CJK fonts, images as sent,
QR codes regenerated from the data the printer stored, and a dashed line where it cut."""

from __future__ import annotations

import qrcode
from PIL import Image, ImageDraw

from .fonts import FontChain, default_chain
from .raster_text import draw_line, font_size, line_height
from .profiles import FULL_WIDTH_DOTS, HALF_WIDTH_DOTS
from .sim_protocol import FeedLines, Job, QRSymbol, RasterImage, TextLine

MARGIN = 8  # white border around the paper so the edges are visible in the PNG


def _qr_image(symbol: QRSymbol) -> Image.Image:
    code = qrcode.QRCode(box_size=symbol.module_dots, border=0)
    code.add_data(symbol.data)
    code.make(fit=True)
    return code.make_image().get_image().convert("L")


def _text_strip(line: TextLine, paper: int, chain: FontChain) -> Image.Image:
    """A printer's font is fixed-pitch: 12-dot half-width and 24-dot full-width cells, enlarged
    by GS ! (width and height apart); the strip is as tall as the paper feeds for the row."""
    strip = Image.new("L", (paper, line.feed_dots), 255)
    size, canvas_height = font_size(line.height_mult), line_height(line.height_mult)
    x = _x(line.align, paper, line.width_dots)
    for char in line.text:
        full = line.chinese_mode and len(char.encode("gb18030")) > 1
        cell = (FULL_WIDTH_DOTS if full else HALF_WIDTH_DOTS) * line.width_mult
        glyph = Image.new("L", (max(1, chain.text_width(char, size, line.bold)), canvas_height), 255)
        draw_line(glyph, 0, char, chain, scale=line.height_mult, bold=line.bold)
        width = min(cell, max(1, round(glyph.width * line.width_mult / line.height_mult)))
        if width != glyph.width:
            glyph = glyph.resize((width, canvas_height))
        strip.paste(glyph, (x + (cell - width) // 2, 0))
        x += cell
    return strip


def _x(align: str, paper: int, width: int) -> int:
    return {"left": 0, "center": (paper - width) // 2, "right": paper - width}[align]


def render_job(job: Job, chain: FontChain | None = None) -> Image.Image:
    chain = chain or default_chain()
    paper = job.paper_dots
    pieces: list[tuple[int, Image.Image]] = []  # (x, strip)
    for item in job.items:
        if isinstance(item, TextLine):
            pieces.append((0, _text_strip(item, paper, chain)))
        elif isinstance(item, RasterImage):
            pieces.append((_x(item.align, paper, item.image.width), item.image))
        elif isinstance(item, QRSymbol):
            image = _qr_image(item)
            pieces.append((_x(item.align, paper, image.width), image))
        elif isinstance(item, FeedLines):
            pieces.append((0, Image.new("L", (paper, item.dots), 255)))
    height = sum(strip.height for _, strip in pieces) + 2 * MARGIN + 12
    page = Image.new("L", (paper + 2 * MARGIN, height), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((MARGIN - 1, 0, MARGIN + paper, height - 1), outline=200)  # paper edges
    y = MARGIN
    for x, strip in pieces:
        page.paste(strip, (MARGIN + max(0, x), y))
        y += strip.height
    if job.cut:
        for x in range(0, paper + 2 * MARGIN, 12):
            draw.line((x, height - 6, x + 6, height - 6), fill=0, width=2)
    return page
