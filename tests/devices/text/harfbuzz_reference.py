"""The reference the tests hold our rendering against: HarfBuzz's own glyph sequence and
positions (uharfbuzz, independent of Pillow's raqm), each glyph's outline filled where
HarfBuzz puts it, then the line turned a quarter clockwise as a Mongolian column is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

hb = pytest.importorskip("uharfbuzz", reason="pip install uharfbuzz (the test extras)")

CURVE_STEPS = 12
SUPERSAMPLE = 4  # outlines filled at 4x and averaged down, as a rasteriser's anti-aliasing does


@dataclass(frozen=True)
class Glyph:
    name: str
    cluster: int
    x: float  # pen position along the line, pixels
    advance: float
    x_offset: float
    y_offset: float


def shape(font_path: str, text: str, size: int) -> list[Glyph]:
    face = hb.Face(hb.Blob.from_file_path(font_path))
    font = hb.Font(face)
    scale = size / face.upem
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    glyphs, x = [], 0.0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
        glyphs.append(Glyph(font.glyph_to_string(info.codepoint), info.cluster, x, pos.x_advance * scale,
                            pos.x_offset * scale, pos.y_offset * scale))
        x += pos.x_advance * scale
    return glyphs


class _FlatPen:
    """Outlines as polygons: curves cut into short straight pieces."""

    def __init__(self):
        self.contours: list[list[tuple[float, float]]] = []

    def moveTo(self, p):
        self.contours.append([p])

    def lineTo(self, p):
        self.contours[-1].append(p)

    def qCurveTo(self, *points):
        start = self.contours[-1][-1]
        *offs, end = points
        if not offs:
            return self.lineTo(end)
        # implied on-curve points between consecutive off-curve points (TrueType)
        ons = [start] + [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in zip(offs, offs[1:])] + [end]
        for i, c in enumerate(offs):
            p0, p2 = ons[i], ons[i + 1]
            for step in range(1, CURVE_STEPS + 1):
                t = step / CURVE_STEPS
                self.contours[-1].append(tuple((1 - t) ** 2 * p0[k] + 2 * (1 - t) * t * c[k] + t * t * p2[k]
                                               for k in (0, 1)))

    def curveTo(self, c1, c2, end):
        p0 = self.contours[-1][-1]
        for step in range(1, CURVE_STEPS + 1):
            t = step / CURVE_STEPS
            self.contours[-1].append(tuple((1 - t) ** 3 * p0[k] + 3 * (1 - t) ** 2 * t * c1[k]
                                           + 3 * (1 - t) * t * t * c2[k] + t ** 3 * end[k] for k in (0, 1)))

    def closePath(self):
        pass

    endPath = closePath


def reference_line(font_path: str, text: str, size: int, ascent: int, height: int) -> Image.Image:
    """HarfBuzz's shaping of `text` drawn as a horizontal line on white, baseline at `ascent`."""
    face = hb.Face(hb.Blob.from_file_path(font_path))
    font = hb.Font(face)
    scale = size / face.upem
    glyphs = shape(font_path, text, size)
    width = max(1, round(sum(g.advance for g in glyphs)))
    k = SUPERSAMPLE
    ink = Image.new("1", (width * k, height * k), 0)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    for glyph, info in zip(glyphs, buf.glyph_infos):
        pen = _FlatPen()
        font.draw_glyph_with_pen(info.codepoint, pen)
        for contour in pen.contours:
            if len(contour) < 3:
                continue
            layer = Image.new("1", ink.size, 0)
            points = [(k * (glyph.x + glyph.x_offset + px * scale), k * (ascent - (glyph.y_offset + py * scale)))
                      for px, py in contour]
            ImageDraw.Draw(layer).polygon(points, fill=1)
            ink = ImageChops.logical_xor(ink, layer)  # even-odd: a counter's contour cuts its hole
    coverage = ink.convert("L").resize((width, height), Image.Resampling.BOX)
    return Image.eval(coverage, lambda v: 255 - v)


def reference_column(font_path: str, text: str, size: int, ascent: int, height: int) -> Image.Image:
    return reference_line(font_path, text, size, ascent, height).transpose(Image.Transpose.ROTATE_270)


def ink(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L")) < 128


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ink masks, compared on the larger canvas."""
    h, w = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    pa, pb = np.zeros((h, w), bool), np.zeros((h, w), bool)
    pa[: a.shape[0], : a.shape[1]] = a
    pb[: b.shape[0], : b.shape[1]] = b
    union = (pa | pb).sum()
    return float((pa & pb).sum() / union) if union else 1.0
