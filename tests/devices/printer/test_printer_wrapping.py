"""Long matter names and materials lists wrap inside the paper; Chinese counts double in native mode."""

from __future__ import annotations

import re

from PIL import Image

from devices.printer.document import Document, Text
from devices.printer.fonts import default_chain
from devices.printer.raster_text import font_size
from devices.printer.wrap import NO_LINE_START, native_columns, wrap
from printer_pixels import ink_bands
from printer_samples import LONG_MATERIALS, LONG_MATTER, make_forms, make_ticket, printer_for


def test_chinese_counts_double_width():
    lines = wrap("一" * 40, 32, native_columns)  # 58 mm: 32 half-width columns
    assert [len(line) for line in lines] == [16, 16, 8]


def test_latin_words_stay_whole_and_nothing_is_lost():
    text = "设立登记（含 Limited Liability Company 名称自主申报）"
    lines = wrap(text, 20, native_columns, indent="  ")
    assert all(native_columns(line) <= 20 for line in lines)
    words = " ".join(lines).split()
    assert "Limited" in words and "Liability" in words and "Company" in words
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", text)


def test_closing_punctuation_never_starts_a_line():
    for width in range(8, 40):
        for line in wrap(LONG_MATTER + "。" + "，".join(LONG_MATERIALS), width, native_columns)[1:]:
            assert line[0] not in NO_LINE_START, (width, line)


def test_a_url_longer_than_the_line_is_cut_not_overflowed():
    lines = wrap("https://zwfw.example.gov.cn/" + "a" * 80, 32, native_columns)
    assert all(native_columns(line) <= 32 for line in lines) and len(lines) == 4


def test_native_lines_fill_but_never_exceed_the_paper(simulator):
    for paper, profile in ((80, "generic-80-gb18030"), (58, "generic-58-gb18030")):
        sim = simulator(paper_mm=paper)
        printer_for(sim, profile).print_ticket(make_ticket(matter_name=LONG_MATTER, materials=LONG_MATERIALS))
        (job,) = sim.wait_for_jobs(1)
        assert job.too_wide() == [], "the encoder wraps: the printer never has to"
        widths = [line.width_dots for line in job.lines]
        assert max(widths) <= sim.paper_dots
        assert max(widths) >= sim.paper_dots - 24, "long text is wrapped at the edge, not early"


def test_narrow_paper_takes_more_rows(simulator):
    rows = {}
    for paper, profile in ((80, "generic-80-raster"), (58, "generic-58-raster")):
        sim = simulator(paper_mm=paper)
        printer_for(sim, profile).print_form(make_forms()["委托书"])
        (job,) = sim.wait_for_jobs(1)
        rows[paper] = len(ink_bands(Image.open(job.png_path)))
    assert rows[58] > rows[80] * 1.2


def test_raster_text_lines_fit_the_paper_by_measured_glyphs():
    chain = default_chain()
    measure = lambda text: chain.text_width(text, font_size(1))  # noqa: E731
    for width in (384, 576):
        lines = wrap("，".join(LONG_MATERIALS), width, measure)
        assert all(measure(line) <= width for line in lines)
        assert max(measure(line) for line in lines) > width - 30


def test_raster_images_stay_within_the_paper(simulator):
    sim = simulator(paper_mm=58)
    doc = Document("long", [Text(LONG_MATTER * 3, scale=2), Text("W" * 200)])
    printer_for(sim, "generic-58-raster").print_document(doc)
    (job,) = sim.wait_for_jobs(1)
    assert job.images and all(image.image.width <= 384 for image in job.images)
