"""Charts as inline SVG drawn on the server: no script, no library, printable, and readable
without colour (every bar carries its value in words, the target line is labelled). The
geometry is worked out here as shapes; ``templates/chart.html`` writes them, escaped."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup

from kiosk.server.supervisor import templates

WIDTH = 1000
BLUE, ORANGE, GREEN, GREY, INK = "#1f5fa8", "#c2571a", "#2e7d4f", "#767676", "#1a1a1a"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


def _nice_step(top: float, ticks: int = 5) -> float:
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


@dataclass(frozen=True)
class Shape:
    """One SVG element: ``tag`` (rect, line, text), its attributes, its words, its tooltip."""
    tag: str
    attrs: dict = field(default_factory=dict)
    text: str = ""
    tip: str = ""


def _text(x: str, y: str, words: str, size: int, fill: str = INK, **more) -> Shape:
    return Shape("text", {"x": x, "y": y, "font-size": size, "fill": fill,
                          **{k.replace("_", "-"): v for k, v in more.items()}}, words)


def _chart(title: str, height: float, shapes: list[Shape], empty: str = "") -> Markup:
    return templates.render("chart.html", title=title, width=WIDTH, height=f"{height:.0f}", shapes=shapes,
                            empty=empty)


def _legend(series: list[Series], y: float) -> list[Shape]:
    x, out = 0.0, []
    for s in series:
        out += [Shape("rect", {"x": f"{x:.0f}", "y": f"{y - 14:.0f}", "width": 18, "height": 18, "fill": s.colour}),
                _text(f"{x + 26:.0f}", f"{y:.0f}", s.name, 17)]
        x += 40 + 17 * len(s.name)
    return out


def grouped_bars(title: str, rows: list[tuple[str, list[float | None]]], series: list[Series],
                 unit: str, least_top: float = 5) -> Markup:
    """Horizontal bars, one group per row (a queue), one bar per series; ``None``: no data.
    The scale runs to at least ``least_top``, so a quiet day's 1 minute is not a full-width bar."""
    if not rows:
        return _chart(title, 0, [], "所选日期内没有数据")
    label_w, left, right = 190, 200, WIDTH - 90
    bar_h, gap, group_gap, top = 20, 4, 16, 40
    group_h = len(series) * (bar_h + gap) - gap
    values = [v for _, vs in rows for v in vs if v is not None]
    highest = max(values + [least_top])
    step = _nice_step(highest)
    scale_top = step * math.ceil(highest / step)
    plot_h = len(rows) * (group_h + group_gap)
    height = top + plot_h + 36
    x = lambda v: left + (right - left) * v / scale_top  # noqa: E731
    shapes = _legend(series, 20)
    tick = 0.0
    while tick <= scale_top + 1e-9:
        shapes += [Shape("line", {"x1": f"{x(tick):.1f}", "y1": top - 6, "x2": f"{x(tick):.1f}", "y2": top + plot_h,
                                  "stroke": "#d0d0d0", "stroke-width": 1}),
                   _text(f"{x(tick):.1f}", top + plot_h + 24, f"{tick:g}", 15, GREY, text_anchor="middle")]
        tick += step
    shapes.append(_text(WIDTH, 20, f"单位：{unit}", 15, GREY, text_anchor="end"))
    for i, (label, vs) in enumerate(rows):
        y0 = top + i * (group_h + group_gap)
        shapes.append(_text(label_w, f"{y0 + group_h / 2 + 6:.0f}", label, 17, text_anchor="end"))
        for j, (s, v) in enumerate(zip(series, vs)):
            y = y0 + j * (bar_h + gap)
            if v is None:
                shapes.append(_text(left + 6, y + 15, "无数据", 14, GREY))
                continue
            shapes += [Shape("rect", {"x": left, "y": y, "width": f"{max(x(v) - left, 1):.1f}", "height": bar_h,
                                      "fill": s.colour}, tip=f"{label} {s.name}：{v:g} {unit}"),
                       _text(f"{x(v) + 6:.1f}", y + 15, f"{v:g}", 15)]
    return _chart(title, height, shapes)


def _floor(rates: list[float]) -> float:
    """Where the rate axis starts: at 0, unless every rate is high, when a whole-0 axis would
    flatten the differences that matter next to a 95 % target (the legend then says so).
    Every bar stays at least 5 points above the floor, and the ticks stay round."""
    lowest = min(rates, default=0.0)
    return 0.8 if lowest >= 0.85 else 0.6 if lowest >= 0.65 else 0.0


def rate_bars(title: str, points: list[tuple[str, float | None, int]], target: float) -> Markup:
    """Vertical bars of a rate (0..1) per period with the target as a dashed line;
    ``points``: (label, rate or None when nothing was rated, how many were rated)."""
    if not points:
        return _chart(title, 0, [], "所选日期内没有评价")
    left, right, top, plot_h = 60, WIDTH - 10, 24, 240
    height = top + plot_h + 64
    floor = _floor([r for _, r, _ in points if r is not None] + [target])
    slot = (right - left) / len(points)
    bar_w = max(min(slot * 0.7, 60), 3)
    y = lambda r: top + plot_h * (1 - (max(r, floor) - floor) / (1 - floor))  # noqa: E731
    every = max(1, math.ceil(len(points) / 16))  # at most 16 labels under the bars
    shapes, values = [], []
    for i in range(5):
        rate = floor + (1 - floor) * i / 4
        shapes += [Shape("line", {"x1": left, "y1": f"{y(rate):.1f}", "x2": right, "y2": f"{y(rate):.1f}",
                                  "stroke": "#d0d0d0"}),
                   _text(left - 8, f"{y(rate) + 5:.1f}", f"{rate * 100:g}%", 15, GREY, text_anchor="end")]
    for i, (label, rate, rated) in enumerate(points):
        cx = left + slot * (i + 0.5)
        if i % every == 0:
            shapes.append(_text(f"{cx:.1f}", top + plot_h + 24, label, 15, text_anchor="middle"))
        if rate is None:
            shapes.append(_text(f"{cx:.1f}", f"{y(floor) - 6:.1f}", "无", 13, GREY, text_anchor="middle"))
            continue
        shapes.append(Shape("rect", {"x": f"{cx - bar_w / 2:.1f}", "y": f"{y(rate):.1f}", "width": f"{bar_w:.1f}",
                                     "height": f"{max(y(floor) - y(rate), 1):.1f}",
                                     "fill": GREEN if rate >= target else ORANGE},
                            tip=f"{label}：{rate * 100:.1f}%（{rated} 条评价）"))
        if slot >= 30:  # room for "94.7" above each bar; drawn last, haloed, over the target line
            values.append(_text(f"{cx:.1f}", f"{y(rate) - 6:.1f}", f"{rate * 100:.1f}", 13, stroke="#fff",
                                stroke_width=3, paint_order="stroke", text_anchor="middle"))
    shapes.append(Shape("line", {"x1": left, "y1": f"{y(target):.1f}", "x2": right, "y2": f"{y(target):.1f}",
                                 "stroke": INK, "stroke-width": 2, "stroke-dasharray": "8 6"}))
    shapes += values
    axis = f"纵轴从 {floor * 100:g}% 起；" if floor else ""
    shapes.append(_text(left, height - 8, f"{axis}虚线：目标 {target * 100:g}%；"
                                          "绿色：达到目标；橙色：未达目标；“无”：没有评价", 15))
    return _chart(title, height, shapes)
