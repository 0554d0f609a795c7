"""Charts as inline SVG drawn on the server: no script, no library, printable, and readable
without colour (every bar carries its value in words, the target line is labelled)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.server.supervisor.layout import Html, esc

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


def _svg(height: float, label: str, body: str) -> Html:
    return Html(f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{esc(label)}" '
                f'xmlns="http://www.w3.org/2000/svg"><title>{esc(label)}</title>{body}</svg>')


def _legend(series: list[Series], y: float) -> str:
    x, out = 0.0, []
    for s in series:
        out.append(f'<rect x="{x:.0f}" y="{y - 14:.0f}" width="18" height="18" fill="{s.colour}"/>'
                   f'<text x="{x + 26:.0f}" y="{y:.0f}" font-size="17" fill="{INK}">{esc(s.name)}</text>')
        x += 40 + 17 * len(s.name)
    return "".join(out)


def grouped_bars(title: str, rows: list[tuple[str, list[float | None]]], series: list[Series],
                 unit: str, least_top: float = 5) -> Html:
    """Horizontal bars, one group per row (a queue), one bar per series; ``None``: no data.
    The scale runs to at least ``least_top``, so a quiet day's 1 minute is not a full-width bar."""
    if not rows:
        return Html(f'<p class="empty">{esc(title)}：所选日期内没有数据</p>')
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
    parts = [_legend(series, 20)]
    tick = 0.0
    while tick <= scale_top + 1e-9:
        parts.append(f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" y2="{top + plot_h}" '
                     f'stroke="#d0d0d0" stroke-width="1"/><text x="{x(tick):.1f}" y="{top + plot_h + 24}" '
                     f'font-size="15" fill="{GREY}" text-anchor="middle">{tick:g}</text>')
        tick += step
    parts.append(f'<text x="{WIDTH}" y="20" font-size="15" fill="{GREY}" text-anchor="end">单位：{esc(unit)}</text>')
    for i, (label, vs) in enumerate(rows):
        y0 = top + i * (group_h + group_gap)
        parts.append(f'<text x="{label_w}" y="{y0 + group_h / 2 + 6:.0f}" font-size="17" fill="{INK}" '
                     f'text-anchor="end">{esc(label)}</text>')
        for j, (s, v) in enumerate(zip(series, vs)):
            y = y0 + j * (bar_h + gap)
            if v is None:
                parts.append(f'<text x="{left + 6}" y="{y + 15}" font-size="14" fill="{GREY}">无数据</text>')
                continue
            parts.append(f'<rect x="{left}" y="{y}" width="{max(x(v) - left, 1):.1f}" height="{bar_h}" '
                         f'fill="{s.colour}"><title>{esc(label)} {esc(s.name)}：{v:g} {esc(unit)}</title></rect>'
                         f'<text x="{x(v) + 6:.1f}" y="{y + 15}" font-size="15" fill="{INK}">{v:g}</text>')
    return _svg(height, title, "".join(parts))


def _floor(rates: list[float]) -> float:
    """Where the rate axis starts: at 0, unless every rate is high, when a whole-0 axis would
    flatten the differences that matter next to a 95 % target (the legend then says so).
    Every bar stays at least 5 points above the floor, and the ticks stay round."""
    lowest = min(rates, default=0.0)
    return 0.8 if lowest >= 0.85 else 0.6 if lowest >= 0.65 else 0.0


def rate_bars(title: str, points: list[tuple[str, float | None, int]], target: float) -> Html:
    """Vertical bars of a rate (0..1) per period with the target as a dashed line;
    ``points``: (label, rate or None when nothing was rated, how many were rated)."""
    if not points:
        return Html(f'<p class="empty">{esc(title)}：所选日期内没有评价</p>')
    left, right, top, plot_h = 60, WIDTH - 10, 24, 240
    height = top + plot_h + 64
    floor = _floor([r for _, r, _ in points if r is not None] + [target])
    slot = (right - left) / len(points)
    bar_w = max(min(slot * 0.7, 60), 3)
    y = lambda r: top + plot_h * (1 - (max(r, floor) - floor) / (1 - floor))  # noqa: E731
    every = max(1, math.ceil(len(points) / 16))  # at most 16 labels under the bars
    parts, values = [], []
    for i in range(5):
        rate = floor + (1 - floor) * i / 4
        parts.append(f'<line x1="{left}" y1="{y(rate):.1f}" x2="{right}" y2="{y(rate):.1f}" stroke="#d0d0d0"/>'
                     f'<text x="{left - 8}" y="{y(rate) + 5:.1f}" font-size="15" fill="{GREY}" '
                     f'text-anchor="end">{rate * 100:g}%</text>')
    for i, (label, rate, rated) in enumerate(points):
        cx = left + slot * (i + 0.5)
        if i % every == 0:
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 24}" font-size="15" fill="{INK}" '
                         f'text-anchor="middle">{esc(label)}</text>')
        if rate is None:
            parts.append(f'<text x="{cx:.1f}" y="{y(floor) - 6:.1f}" font-size="13" fill="{GREY}" '
                         f'text-anchor="middle">无</text>')
            continue
        colour = GREEN if rate >= target else ORANGE
        parts.append(f'<rect x="{cx - bar_w / 2:.1f}" y="{y(rate):.1f}" width="{bar_w:.1f}" '
                     f'height="{max(y(floor) - y(rate), 1):.1f}" fill="{colour}"><title>{esc(label)}：'
                     f'{rate * 100:.1f}%（{rated} 条评价）</title></rect>')
        if slot >= 30:  # room for "94.7" above each bar; drawn last, haloed, over the target line
            values.append(f'<text x="{cx:.1f}" y="{y(rate) - 6:.1f}" font-size="13" fill="{INK}" stroke="#fff" '
                          f'stroke-width="3" paint-order="stroke" text-anchor="middle">{rate * 100:.1f}</text>')
    parts.append(f'<line x1="{left}" y1="{y(target):.1f}" x2="{right}" y2="{y(target):.1f}" stroke="{INK}" '
                 f'stroke-width="2" stroke-dasharray="8 6"/>')
    parts += values
    axis = f"纵轴从 {floor * 100:g}% 起；" if floor else ""
    parts.append(f'<text x="{left}" y="{height - 8}" font-size="15" fill="{INK}">{axis}虚线：目标 {target * 100:g}%；'
                 f'绿色：达到目标；橙色：未达目标；“无”：没有评价</text>')
    return _svg(height, title, "".join(parts))
