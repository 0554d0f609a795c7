"""What the voice says for a call: the ticket digit by digit, the window as a number."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.speech.call_text import (
    PAUSE, number_pieces, segment_names, spoken_call, vocabulary,
)
from devices.speech.errors import BadTicketNumber, BadWindowNumber


def test_a012_at_window_3():
    call = spoken_call("A012", 3)
    assert call.display == "请 A012 号到 3 号窗口办理"
    assert call.pinyin == "qing3 ei1 ling2 yi1 er4 hao4, dao4 san1 hao4 chuang1 kou3 ban4 li3."
    assert call.label == "A012-w3"


def test_b100_reads_each_digit_not_one_hundred():
    call = spoken_call("B100", 10)
    assert call.pinyin.startswith("qing3 bi4 yi1 ling2 ling2 hao4,")
    assert "yi4 bai3" not in call.pinyin


@pytest.mark.parametrize("window, said", [
    (3, "san1"), (10, "shi2"), (12, "shi2 er4"), (20, "er4 shi2"), (21, "er4 shi2 yi1"),
    (2, "er4"), (100, "yi4 bai3"), (105, "yi4 bai3 ling2 wu3"), (110, "yi4 bai3 yi1 shi2"),
    (2000, "liang3 qian1"), (1019, "yi4 qian1 ling2 yi1 shi2 jiu3"),
])
def test_window_is_read_as_a_number(window, said):
    assert " ".join(number_pieces(window)) == said
    assert f"dao4 {said} hao4 chuang1" in spoken_call("A001", window).pinyin


def test_number_is_normalised_and_one_can_be_yao():
    assert spoken_call(" a012 ", 3).display == "请 A012 号到 3 号窗口办理"
    assert "ling2 yao1 er4" in spoken_call("A012", 3, one_as_yao=True).pinyin


def test_pause_after_the_ticket_number():
    assert spoken_call("A012", 3).pieces[5:8] == ("hao4", PAUSE, "dao4")


@pytest.mark.parametrize("bad", ["", "A", "A-12", "ABCD1", "A1234567", "甲12", None])
def test_bad_ticket_number_is_a_typed_error_in_chinese(bad):
    with pytest.raises(BadTicketNumber) as caught:
        spoken_call(bad, 3)
    assert caught.value.code == "bad_ticket_number"
    assert "票号" in caught.value.message


@pytest.mark.parametrize("bad", [0, -3, 10000, "3", 3.0, True])
def test_bad_window_is_a_typed_error(bad):
    with pytest.raises(BadWindowNumber) as caught:
        spoken_call("A012", bad)
    assert "窗口号" in caught.value.message


def _value_of(pieces):
    """An independent reader: Mandarin number syllables back to an integer."""
    digits = {"ling2": 0, "yi1": 1, "yi4": 1, "er4": 2, "liang3": 2, "san1": 3, "si4": 4,
              "wu3": 5, "liu4": 6, "qi1": 7, "ba1": 8, "jiu3": 9}
    units = {"shi2": 10, "bai3": 100, "qian1": 1000}
    total, current = 0, 0
    for word in pieces:
        if word in units:
            total += (current or 1) * units[word]
            current = 0
        else:
            current = digits[word]
    return total + current


@given(st.integers(min_value=1, max_value=9999))
def test_every_window_reads_back_to_its_value(n):
    assert _value_of(number_pieces(n)) == n


@given(st.from_regex(r"[A-Z]{0,3}[0-9]{1,6}", fullmatch=True), st.integers(1, 9999))
def test_every_call_uses_only_recorded_segments(number, window):
    names = set(segment_names(spoken_call(number, window))) - {PAUSE}
    assert names <= set(vocabulary())
