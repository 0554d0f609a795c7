"""Bold raster text stays legible at normal size: the printed characters keep their counters open.

A receipt's bold lines (the priority note, 全程免费, the 58 mm hall name, form headings) are drawn
24 dots high. Measured on what the printer received: each character's enclosed white spaces
(the four boxes of 昌, the three of 道) must all still be there, each at least a few dots, and the
character must not be mostly ink.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.printer.document import Document, Text
from devices.printer.fonts import default_chain
from devices.printer.raster_text import render_lines
from printer_samples import printer_for

CHARACTERS = "昌通道弱病费事"  # the ones the issue found blotted
MIN_COUNTER_DOTS = 3  # a smaller hole does not read as an opening on paper
MAX_INK_SHARE = 0.7  # of the character's box; a blotted one is 0.75 to 0.92


def counters(dark: np.ndarray) -> list[int]:
    """Areas of the enclosed white regions (not touching the edge) of a black-on-white glyph."""
    count, labels = cv2.connectedComponents((~dark).astype(np.uint8), connectivity=4)
    edge = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])))
    return [int((labels == i).sum()) for i in range(1, count) if i not in edge]


def glyphs(dark: np.ndarray, min_gap: int = 6) -> list[np.ndarray]:
    """The characters of one printed row, split at the wide blank gaps between them, each cropped."""
    inked = np.flatnonzero(dark.any(axis=0))
    breaks = np.flatnonzero(np.diff(inked) > min_gap)
    starts, ends = [inked[0], *inked[breaks + 1]], [*inked[breaks], inked[-1]]
    found = [dark[:, start : end + 1] for start, end in zip(starts, ends)]
    crops = []
    for glyph in found:
        rows = np.flatnonzero(glyph.any(axis=1))
        crops.append(np.pad(glyph[rows[0] : rows[-1] + 1], 1))  # a white frame: edges are not counters
    return crops


def counters_of(char: str) -> int:
    """How many counters the bold face's character has, counted where nothing can close: 96 dots high."""
    large = np.asarray(render_lines([char], 200, default_chain(), scale=4, bold=True)) < 128
    return len(counters(large))


@pytest.mark.parametrize("paper,profile", [(80, "generic-80-raster"), (58, "generic-58-raster")])
def test_bold_characters_keep_their_counters_open(simulator, paper, profile):
    sim = simulator(paper_mm=paper)
    printer_for(sim, profile).print_document(Document("bold", [Text("   ".join(CHARACTERS), bold=True)]))
    (job,) = sim.wait_for_jobs(1)
    (image,) = job.images
    printed = glyphs(np.asarray(image.image) < 128)
    assert len(printed) == len(CHARACTERS), "each character stands apart"
    for char, glyph in zip(CHARACTERS, printed):
        open_counters = [area for area in counters(glyph) if area >= MIN_COUNTER_DOTS]
        assert len(open_counters) >= counters_of(char), (char, counters(glyph))
        assert glyph.mean() <= MAX_INK_SHARE, (char, round(float(glyph.mean()), 2))


def test_bold_is_bolder_than_regular():
    """Legible, and still visibly bold: more ink than the regular weight."""
    chain = default_chain()
    regular = np.asarray(render_lines([CHARACTERS], 400, chain)) < 128
    bold = np.asarray(render_lines([CHARACTERS], 400, chain, bold=True)) < 128
    assert bold.sum() > regular.sum() * 1.15
