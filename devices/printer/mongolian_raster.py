"""Mongolian on a receipt: the printer has no Mongolian font, so each Mongolian text prints as a
bitmap of the shaped text (devices.text: HarfBuzz through Pillow's raqm), in vertical columns,
above the Chinese line it stands for ("Mongolian first"). The Chinese stays as the profile
prints it (native text where it can), so a Chinese-only receipt is not touched at all.
"""

from __future__ import annotations

from PIL import Image

from devices.text import VerticalMongolian

from .document import Document, Picture, Text
from .profiles import LINE_HEIGHT_DOTS

SPACE_BELOW = 8  # dots between the Mongolian and its Chinese line
COLUMN_LINES = 5  # a column is at first as long as five Chinese characters of its line; longer if too wide


def mongolian_picture(text: str, size: int, width_dots: int):
    """Black ink on white paper, in columns no wider than the paper (a column grows till they fit)."""
    engine = VerticalMongolian(size)
    length = max(size * COLUMN_LINES, max(engine.length(word) for word in text.split()))
    while True:
        image = engine.block(text, length)
        if image.width <= width_dots or len(engine.columns(text, length)) == 1:
            spaced = Image.new("L", (image.width, image.height + SPACE_BELOW), 255)
            spaced.paste(image, (0, 0))
            return spaced
        length = round(length * 1.25)


def with_mongolian(doc: Document, words: dict[str, str], width_dots: int) -> Document:
    """The document with a Mongolian picture before each Text whose Chinese `words` has."""
    out = Document(doc.title)
    for block in doc.blocks:
        if isinstance(block, Text) and words.get(block.text):
            size = LINE_HEIGHT_DOTS * min(block.scale, 2)
            out.add(Picture(mongolian_picture(words[block.text], size, width_dots), block.align))
        out.add(block)
    return out
