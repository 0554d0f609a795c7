"""Vertical Mongolian held against HarfBuzz: the same font, the same text, shaped by uharfbuzz
on its own, drawn glyph by glyph where HarfBuzz puts each one, and turned into a column."""

import numpy as np
import pytest

from devices.text import VerticalMongolian, find_mongolian_font, has_mongolian
from tests.devices.text.harfbuzz_reference import ink, overlap, reference_column, shape

FONT = find_mongolian_font()
pytestmark = pytest.mark.skipif(FONT is None, reason="apt-get install fonts-noto-core (Noto Sans Mongolian)")

SIZE = 96  # large enough that the rasteriser's hinting moves little
MONGOL = "ᠮᠣᠩᠭᠣᠯ"  # mongγol: initial, four medial, final
HALAGA = "ᠬᠠᠯᠠᠭ\u180eᠠ"  # the vowel separator U+180E detaches the last a
DUGAR = "ᠳ\u180bᠤᠭᠠᠷ"  # dugar "number": FVS1 gives the initial d its d-form
ARAD_UN = "ᠠᠷᠠᠳ\u202fᠤᠨ"  # arad-un: the suffix after U+202F keeps its medial form
SAME = 0.85  # the engine and HarfBuzz's outlines agree this well at 96 px (hinting differs a little)
DIFFERENT = 0.6


@pytest.fixture(scope="module")
def engine():
    return VerticalMongolian(SIZE)


def reference(engine, text):
    return reference_column(FONT, text, SIZE, engine.ascent, engine.column_width)


def glyph_span(mask: np.ndarray, glyph) -> np.ndarray:
    """The rows of a column that HarfBuzz gives one glyph (its advance along the line)."""
    return mask[round(glyph.x): round(glyph.x + glyph.advance), :]


def test_harfbuzz_picks_initial_medial_and_final_forms_for_mongol():
    names = [g.name for g in shape(FONT, MONGOL, SIZE)]
    assert names[0].endswith(".ini") and names[-1].endswith(".fin")
    assert all(name.endswith(".med") for name in names[1:-1])


@pytest.mark.parametrize("text", [MONGOL, HALAGA, DUGAR, ARAD_UN])
def test_a_column_is_harfbuzz_s_shaping_turned_to_run_top_to_bottom(engine, text):
    ours, theirs = ink(engine.column(text)), ink(reference(engine, text))
    assert ours.shape[1] == theirs.shape[1] and abs(ours.shape[0] - theirs.shape[0]) <= 1  # rounding
    assert ours.shape[0] > ours.shape[1]  # a column: taller than wide
    assert overlap(ours, theirs) > SAME
    for glyph in shape(FONT, text, SIZE):  # each glyph where HarfBuzz puts it, first at the top
        assert overlap(glyph_span(ours, glyph), glyph_span(theirs, glyph)) > SAME - 0.1, glyph.name


@pytest.mark.parametrize("text", [MONGOL, HALAGA])
def test_letters_drawn_alone_do_not_pass_for_the_shaped_word(engine, text):
    isolated = "\u200c".join(text)  # ZWNJ between letters: every letter in its isolated form
    assert overlap(ink(engine.column(isolated)), ink(reference(engine, text))) < DIFFERENT


def test_a_column_read_bottom_to_top_does_not_pass(engine):
    flipped = np.flipud(ink(engine.column(MONGOL)))
    assert overlap(flipped, ink(reference(engine, MONGOL))) < DIFFERENT


def test_the_free_variation_selector_is_honoured(engine):
    plain = DUGAR.replace("\u180b", "")
    first = shape(FONT, DUGAR, SIZE)[0]
    assert first.name != shape(FONT, plain, SIZE)[0].name  # the font has a variant for it
    with_fvs, without = ink(engine.column(DUGAR)), ink(engine.column(plain))
    theirs = ink(reference(engine, DUGAR))
    assert overlap(glyph_span(with_fvs, first), glyph_span(theirs, first)) > SAME - 0.1
    assert overlap(glyph_span(without, first), glyph_span(theirs, first)) < DIFFERENT


def test_the_narrow_no_break_space_keeps_the_suffix_attached(engine):
    spaced = ARAD_UN.replace("\u202f", " ")  # with a plain space ᠤᠨ would start a new word
    assert overlap(ink(engine.column(spaced)), ink(reference(engine, ARAD_UN))) < SAME - 0.1
    assert overlap(ink(engine.column(ARAD_UN)), ink(reference(engine, ARAD_UN))) > SAME
    assert engine.columns(ARAD_UN, 1) == [ARAD_UN]  # never broken there, even when too tall


def test_columns_run_left_to_right_and_break_only_at_spaces(engine):
    text = f"{MONGOL} {HALAGA} {DUGAR}"
    tall = engine.length(MONGOL) + 5
    columns = engine.columns(text, tall)
    assert columns == [MONGOL, HALAGA, DUGAR]
    block = ink(engine.block(text, tall, gap=10))
    first = ink(engine.column(MONGOL))
    assert overlap(block[: first.shape[0], : first.shape[1]], first) > 0.99  # the first word leftmost
    assert block.shape[1] == 3 * engine.column_width + 2 * 10
    assert engine.columns(text, 10 * tall) == [text]  # room for all: one column


def test_characters_the_font_lacks_are_set_in_a_fallback_font_never_as_boxes(engine):
    runs = engine.runs("ᠤᠲᠠᠰᠤ 12345")
    assert [run for _, run in runs] == ["ᠤᠲᠠᠰᠤ ", "12345"]
    assert runs[0][0] is engine.font and runs[1][0] is not engine.font


def test_has_mongolian():
    assert has_mongolian(MONGOL) and not has_mongolian("排队凭条") and not has_mongolian("")
