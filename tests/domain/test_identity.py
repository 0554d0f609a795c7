from datetime import date

import pytest
from hypothesis import given, strategies as st

from kiosk.domain.identity import (
    IdentityError, check_credit_code, check_mobile, check_resident_id, id_check_char, mask_id, uscc_check_char,
)

TODAY = date(2026, 11, 23)


def test_the_standards_own_examples_pass():
    assert check_resident_id("11010519491231002x", TODAY) == "11010519491231002X"  # GB 11643 example
    assert check_credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize("value, words", [
    ("1101051949123100", "18 位，您输入了 16 位"),
    ("11010519491231002Y", "最后一位为数字或 X"),
    ("110105194902300021", "出生日期）不是有效日期"),
    ("110105203001010021", "出生日期）不合理"),
    ("110105194912310021", "校验位（第 18 位）不符"),
])
def test_a_wrong_id_number_says_what_to_check(value, words):
    with pytest.raises(IdentityError, match=words.replace("（", r"\（").replace("）", r"\）")):
        check_resident_id(value, TODAY)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_typo_is_caught(first17, position, shift):
    first17 = "110105" + "19800101" + first17[14:]
    valid = first17 + id_check_char(first17)
    wrong = list(valid)
    wrong[position] = str((int(wrong[position]) + shift) % 10)
    typo = "".join(wrong)
    try:
        check_resident_id(typo, TODAY)
    except IdentityError:
        return
    raise AssertionError(f"{typo} passed though {valid} is the real number")


@pytest.mark.parametrize("value, words", [
    ("91350100M000100Y4", "18 位"),
    ("91350100M0001O0Y43", "第 14 位“O”"),
    ("91350100M000100Y44", "校验位"),
])
def test_a_wrong_credit_code_says_what_to_check(value, words):
    with pytest.raises(IdentityError, match=words):
        check_credit_code(value)


def test_credit_code_check_character_catches_single_typos():
    body = "91350100M000100Y4"
    assert uscc_check_char(body) == "3"
    for position in range(17):
        for char in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if char != body[position]:
                changed = body[:position] + char + body[position + 1:]
                assert uscc_check_char(changed) != "3", (position, char)


def test_mobile_numbers_and_masking():
    assert check_mobile("139 1234-5678") == "13912345678"
    for bad in ("1231234567", "12912345678", "139123456789"):
        with pytest.raises(IdentityError, match="11 位"):
            check_mobile(bad)
    assert mask_id("11010519491231002X") == "1101**********002X"


from kiosk.domain import identity  # noqa: E402


def test_a_mobile_number_is_eleven_ascii_digits_from_13_to_19():
    assert identity.is_mobile("13812345678") and identity.is_mobile("19912345678")
    assert not identity.is_mobile("12812345678")  # no 12 prefix
    assert not identity.is_mobile("1381234567")
    assert not identity.is_mobile("１３８１２３４５６７８")  # full-width digits are not dialled
    assert not identity.is_mobile("13٨12345678")  # nor Arabic-Indic ones


def test_a_phone_is_masked_alike_wherever_the_public_looks():
    assert identity.mask_phone("13812345678") == "138****5678"
    assert identity.mask_phone("0374-1234567") == "037*****4567"
    assert identity.mask_phone("12345") == "*****"
    assert identity.mask_phone("") == "" and identity.mask_phone(None) is None
