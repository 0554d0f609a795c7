"""The server-drawn SVG charts: every bar drawn and labelled, names escaped, axes honest."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kiosk.server.supervisor import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def test_grouped_bars_draw_each_value_and_escape_names():
    svg = charts.grouped_bars("队列", [("A <综合>", [12, 3]), ("B 代办", [None, 7])],
                              [charts.Series("等候 P90", charts.BLUE), charts.Series("办理 P90", charts.ORANGE)],
                              "分钟")
    root = _parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "20"]
    assert len(bars) == 3  # the missing value is said in words, not drawn
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "A <综合>" in texts and "无数据" in texts and "单位：分钟" in texts
    assert "&lt;综合&gt;" in svg
    widths = sorted(float(b.get("width")) for b in bars)
    assert widths[-1] / widths[0] == 4.0  # 12 and 3 minutes, to scale from zero


def test_rate_bars_start_high_only_when_every_rate_is_high_and_say_so():
    high = charts.rate_bars("满意率", [("09-01", 0.9, 10), ("09-02", 0.99, 20), ("09-03", None, 0)], 0.95)
    assert "纵轴从 80% 起" in high and re.search(r">80%<", high) and "无</text>" in high
    low = charts.rate_bars("满意率", [("09-01", 0.5, 2)], 0.95)
    assert "纵轴从" not in low and ">0%<" in low
    bar = next(r for r in _parse(low).iter(f"{SVG}rect"))
    assert float(bar.get("height")) == 120.0  # half of the 240-unit plot
    assert charts.rate_bars("满意率", [], 0.95).startswith('<p class="empty">')
