"""How the kiosk lays out its longer sentences for a screen that cannot break Chinese by words."""
from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[。！？])(?=[^\s。！？”])")


def one_sentence_a_line(text: str) -> str:
    """"打印机缺纸。请到引导台。" -> "打印机缺纸。\\n请到引导台。": Kivy wraps Chinese at any character,
    so a line that is a whole sentence (and fits) never breaks inside a word."""
    return _SENTENCE_END.sub("\n", text.strip())
