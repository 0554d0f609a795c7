"""Line wrapping for Chinese with Latin mixed in, by a width function the caller supplies.

Latin words and numbers stay whole when they fit on a line; Chinese breaks
between any two characters, except that closing punctuation never starts a line
and opening punctuation never ends one (simple 禁则).
"""

from __future__ import annotations

import re
from typing import Callable

Measure = Callable[[str], float]

_TOKEN = re.compile(r"[A-Za-z0-9@._:/\-+#%&=?~]+|\s+|.", re.DOTALL)
NO_LINE_START = set("，。、；：？！）》」』】〕…%,.;:?!)]}、·")
NO_LINE_END = set("（《「『【〔([{")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _split_to_fit(token: str, width: float, measure: Measure) -> list[str]:
    """A Latin token longer than a whole line: cut it where it must be cut."""
    pieces, current = [], ""
    for char in token:
        if current and measure(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    return pieces + [current] if current else pieces


def wrap(text: str, width: float, measure: Measure, indent: str = "") -> list[str]:
    """Lines of `text` each at most `width` wide; continuation lines start with `indent`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, measure, indent))
    return lines


def _wrap_paragraph(text: str, width: float, measure: Measure, indent: str) -> list[str]:
    lines: list[str] = []
    line = ""
    tokens = _tokens(text)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        candidate = line + token
        if measure(candidate) <= width:
            line = candidate
            i += 1
            continue
        if token.isspace():
            i += 1  # a space at a break is dropped
            lines.append(line.rstrip())
            line = indent
            continue
        prefix_only = line.strip() == "" or line == indent
        if prefix_only:
            # Even alone the token does not fit: cut it.
            pieces = _split_to_fit(token, width - measure(line), measure)
            lines.append(line + pieces[0])
            tokens[i : i + 1] = pieces[1:]
            line = indent
            continue
        line, carried = _apply_kinsoku(line, token, indent)
        lines.append(line.rstrip())
        line = indent + carried
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _apply_kinsoku(line: str, next_token: str, indent: str) -> tuple[str, str]:
    """Move the line's last characters down while the next line would start badly."""
    carried = ""
    for _ in range(4):  # a few characters at most: better a bad break than a near-empty line
        leads = (carried or next_token)[0]
        if len(line) - len(indent) <= 1 or not (leads in NO_LINE_START or line[-1] in NO_LINE_END):
            break
        line, carried = line[:-1], line[-1] + carried
    return line, carried


def native_columns(text: str) -> int:
    """Columns in a printer's Chinese mode: ASCII is half width, everything else full."""
    return sum(1 if ord(c) < 0x80 else 2 for c in text)
