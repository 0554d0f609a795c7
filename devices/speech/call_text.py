"""The call sentence and how it is spoken: pure functions, no audio.

"请 A012 号到 3 号窗口办理" is spoken as pinyin pieces with tone numbers:
the ticket number digit by digit (A 零 一 二), the window as a number
(3 → 三, 12 → 十二). We hand pinyin, not characters, to the synthesiser so the
reading is ours to decide (see README.md: espeak-ng 1.51 misreads characters),
and each piece doubles as the name of a recorded segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BadTicketNumber, BadWindowNumber

PAUSE = ","
"""A short pause between phrases; a piece of its own."""

DIGITS = ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")

# How people in a Chinese hall say a Latin letter, spelled in pinyin so a
# Mandarin voice says it clearly ("A" as 诶 ēi, "F" as 艾弗).
LETTERS = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu1",
    "G": "ji4", "H": "ai1 qi1", "I": "ai4", "J": "jie4", "K": "kai4", "L": "ai2 le5",
    "M": "ai2 mu5", "N": "en1", "O": "ou1", "P": "pi4", "Q": "kiu1", "R": "a4",
    "S": "ai2 si1", "T": "ti4", "U": "you1", "V": "wei1", "W": "da2 bu5 liu5",
    "X": "ai2 ke4 si1", "Y": "wai4", "Z": "zei4",
}

OPENING = "qing3"  # 请
AFTER_TICKET = "hao4"  # 号 (then a pause)
TO = "dao4"  # 到
AFTER_WINDOW = "hao4 chuang1 kou3 ban4 li3"  # 号窗口办理

_TICKET = re.compile(r"^([A-Z]{0,3})([0-9]{1,6})$")
MAX_WINDOW = 9999


@dataclass(frozen=True)
class SpokenCall:
    """One call: what the display shows and what the voice says."""

    number: str  # normalised ticket number, "A012"
    window: int
    display: str  # "请 A012 号到 3 号窗口办理"
    pieces: tuple[str, ...]  # pinyin phrases and PAUSE, in speaking order
    chime: bool = False  # a ding-dong before the voice

    @property
    def pinyin(self) -> str:
        """The whole sentence as one pinyin string, pauses as commas."""
        text = " ".join(self.pieces).replace(f" {PAUSE}", PAUSE)
        return text.rstrip(PAUSE) + "."

    @property
    def label(self) -> str:
        """A short name for files and logs: "A012-w3"."""
        return f"{self.number}-w{self.window}"


def normalise_ticket(number: str) -> tuple[str, str]:
    """Split "a012" into ("A", "012"); BadTicketNumber if it is not letters + digits."""
    text = str(number).strip().upper()
    match = _TICKET.match(text)
    if not match:
        raise BadTicketNumber(repr(number))
    return match.group(1), match.group(2)


def letter_pieces(prefix: str) -> list[str]:
    return [LETTERS[letter] for letter in prefix]


def digit_pieces(digits: str, *, one_as_yao: bool = False) -> list[str]:
    """Digit by digit: "012" → ling2 yi1 er4 (or yao1 for 1, as on the telephone)."""
    return ["yao1" if d == "1" and one_as_yao else DIGITS[int(d)] for d in digits]


def number_pieces(n: int) -> list[str]:
    """A whole number as Mandarin says it: 3 → san1, 12 → shi2 er4, 105 → yi4 bai3 ling2 wu3."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_WINDOW:
        raise BadWindowNumber(repr(n))
    return _read_number(n)


def _read_number(n: int) -> list[str]:
    if n < 10:
        return [DIGITS[n]]
    if n < 20:  # 十, 十二: no leading 一
        return ["shi2"] + ([DIGITS[n % 10]] if n % 10 else [])
    if n < 100:
        return [DIGITS[n // 10], "shi2"] + ([DIGITS[n % 10]] if n % 10 else [])
    unit, unit_value = ("qian1", 1000) if n >= 1000 else ("bai3", 100)
    head, rest = divmod(n, unit_value)
    words = [_leading_digit(head, unit), unit]
    if rest == 0:
        return words
    if rest < unit_value // 10:  # a gap in the middle is read as 零: 105 一百零五
        words.append("ling2")
    # Inside a larger number 10-19 keep their 一: 110 一百一十.
    tail = _read_number(rest) if rest >= 20 or rest < 10 else ["yi1"] + _read_number(rest)
    return words + tail


def _leading_digit(digit: int, unit: str) -> str:
    if digit == 1:
        return "yi4"  # tone sandhi: 一 before a non-fourth tone
    if digit == 2 and unit == "qian1":
        return "liang3"  # 两千
    return DIGITS[digit]


def spoken_call(number: str, window: int, *, chime: bool = False,
                one_as_yao: bool = False) -> SpokenCall:
    """Build the call for ticket `number` at `window`."""
    prefix, digits = normalise_ticket(number)
    window_words = number_pieces(window)
    pieces = (
        [OPENING]
        + letter_pieces(prefix)
        + digit_pieces(digits, one_as_yao=one_as_yao)
        + [AFTER_TICKET, PAUSE, TO]
        + window_words
        + [AFTER_WINDOW]
    )
    normalised = prefix + digits
    return SpokenCall(
        number=normalised,
        window=window,
        display=f"请 {normalised} 号到 {window} 号窗口办理",
        pieces=tuple(pieces),
        chime=chime,
    )


def segment_names(call: SpokenCall) -> list[str]:
    """The recorded segments that say `call`, one per piece ("ai2 fu1" → "ai2_fu1");
    PAUSE stays as is. The window number is one piece per syllable, so ten digits
    and 十 百 千 cover every window."""
    return [piece.replace(" ", "_") for piece in call.pieces]


def vocabulary() -> list[str]:
    """Every segment name any call can need: the recording list for segments mode."""
    words = {OPENING, AFTER_TICKET, TO, AFTER_WINDOW, "yao1", "shi2", "bai3", "qian1",
             "yi4", "liang3", *DIGITS, *LETTERS.values()}
    return sorted(w.replace(" ", "_") for w in words)
