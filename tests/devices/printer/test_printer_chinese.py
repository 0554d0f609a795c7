"""Rare characters (䶮, 𠮷) and mixed Latin text survive in both modes, never as "?"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devices.printer.document import Document, Text
from devices.printer.fonts import DEFAULT_FONTS, FontChain, FontSpec, has_glyph
from devices.printer.raster_text import render_lines
from printer_pixels import ink
from printer_samples import printer_for

RARE = "䶮𠮷"
MIXED = "法定代表人䶮，股东𠮷田 Yoshida（ID: E12345678）"
WQY, NOTO = (FontSpec.parse(entry) for entry in DEFAULT_FONTS[:2])
fonts_present = pytest.mark.skipif(
    not all(Path(e.partition("#")[0]).is_file() for e in DEFAULT_FONTS[:2]),
    reason="needs fonts-wqy-microhei and fonts-noto-cjk",
)


def _one_line(simulator, profile, text):
    sim = simulator(paper_mm=80)
    printer_for(sim, profile).print_document(Document("rare", [Text(text)]))
    (job,) = sim.wait_for_jobs(1)
    return job


def test_native_mode_sends_the_gb18030_bytes(simulator):
    job = _one_line(simulator, "generic-80-gb18030", MIXED)
    (line,) = job.lines
    assert b"\xfe\x9f" in line.raw, "䶮 is two bytes in GB18030"
    assert b"\x95\x34\xb2\x35" in line.raw, "𠮷 is four bytes in GB18030"
    assert line.chinese_mode, "FS & came before the text"
    assert line.text == MIXED


def test_gbk_printer_prints_a_four_byte_character_as_an_image(simulator):
    sim = simulator(paper_mm=80)
    doc = Document("gbk", [Text("䶮盛科技 Co., Ltd."), Text("股东𠮷田"), Text("联系电话 0374-1234567")])
    printer_for(sim, "generic-80-gbk").print_document(doc)
    (job,) = sim.wait_for_jobs(1)
    assert job.text == ["䶮盛科技 Co., Ltd.", "联系电话 0374-1234567"], "two-byte lines stay text"
    assert len(job.images) == 1, "the 𠮷 line came as an image instead of '?'"
    assert not any("?" in text for text in job.text)


@fonts_present
def test_font_chain_takes_rare_characters_from_noto():
    assert not has_glyph(WQY, "䶮") and not has_glyph(WQY, "𠮷"), "WenQuanYi lacks them"
    chain = FontChain(list(DEFAULT_FONTS))
    assert chain.spec_for("中") == WQY
    assert chain.spec_for("䶮") == NOTO and chain.spec_for("𠮷") == NOTO
    assert [spec for spec, _ in chain.runs("股东𠮷田")] == [WQY, NOTO, WQY]


@fonts_present
def test_raster_glyphs_are_not_tofu(simulator):
    job = _one_line(simulator, "generic-80-raster", RARE)
    printed = ink(job.images[0].image)
    tofu = ink(render_lines([RARE], 576, FontChain([DEFAULT_FONTS[0]])))  # WQY alone: .notdef boxes
    reference = ink(render_lines([RARE], 576, FontChain([DEFAULT_FONTS[1]])))
    assert printed.shape != tofu.shape or not np.array_equal(printed, tofu)
    assert printed.shape == reference.shape and np.array_equal(printed, reference)


@fonts_present
def test_mixed_latin_survives_in_raster(simulator):
    job = _one_line(simulator, "generic-80-raster", MIXED)
    expected = ink(render_lines([MIXED], 576, FontChain(list(DEFAULT_FONTS))))
    assert np.array_equal(ink(job.images[0].image), expected)
