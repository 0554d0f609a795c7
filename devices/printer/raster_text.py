"""Draw text lines into bitmaps with the CJK font chain (raster printers, and the simulator)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from .fonts import FontChain, load_font
from .profiles import LINE_HEIGHT_DOTS

LINE_PITCH = 1.25  # line height over glyph size, like a printer's default 30-dot pitch


def font_size(scale: int) -> int:
    return LINE_HEIGHT_DOTS * scale


def line_height(scale: int) -> int:
    return round(font_size(scale) * LINE_PITCH)


def draw_line(
    image: Image.Image,
    y: int,
    text: str,
    chain: FontChain,
    *,
    scale: int = 1,
    bold: bool = False,
    align: str = "left",
) -> None:
    """Draw one line at row `y` of a white 'L' image."""
    size = font_size(scale)
    width = chain.text_width(text, size, bold)
    x = {"left": 0, "center": (image.width - width) // 2, "right": image.width - width}[align]
    draw = ImageDraw.Draw(image)
    baseline = y + round(size * 0.9)
    for spec, run in chain.runs(text, bold):
        font = load_font(spec, size)
        draw.text((x, baseline), run, font=font, fill=0, anchor="ls")
        if bold and not chain.is_bold_face(spec):  # no bold face has it: strike twice, as a printer does
            draw.text((x + 1, baseline), run, font=font, fill=0, anchor="ls")
        x += chain.text_width(run, size, bold)


def render_lines(
    lines: list[str], width: int, chain: FontChain, *, scale: int = 1, bold: bool = False, align: str = "left"
) -> Image.Image:
    """A white image `width` dots wide holding the lines, black text."""
    height = line_height(scale)
    image = Image.new("L", (width, height * len(lines)), 255)
    for row, text in enumerate(lines):
        draw_line(image, row * height, text, chain, scale=scale, bold=bold, align=align)
    return image
