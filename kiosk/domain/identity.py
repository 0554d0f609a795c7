"""Identity data checked where it is typed: a wrong one is refused, with what to check.

- Resident ID numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character.
- Unified social credit codes (GB 32100-2015): 18 characters of 0-9 and A-Z without I, O, Z, S, V,
  the last a MOD 31 check character.
- Mainland mobile numbers: 11 digits starting 13-19.
"""
from __future__ import annotations

import re
from datetime import date


class IdentityError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def check_resident_id(value: str, today: date | None = None) -> str:
    """Returns the normalised number (upper-case X) or raises IdentityError saying what to check."""
    number = value.strip().upper()
    if len(number) != 18:
        raise IdentityError(f"身份证号应为 18 位，您输入了 {len(number)} 位，请核对")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentityError("身份证号前 17 位应为数字，最后一位为数字或 X，请核对")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError("身份证号第 7 到 14 位（出生日期）不是有效日期，请核对") from None
    if born > (today or date.today()) or born.year < 1880:
        raise IdentityError("身份证号第 7 到 14 位（出生日期）不合理，请核对")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise IdentityError("身份证号校验位（第 18 位）不符：请逐位核对前 17 位和最后一位")
    return number


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise IdentityError(f"统一社会信用代码应为 18 位，您输入了 {len(code)} 位，请核对")
    for position, char in enumerate(code, start=1):
        if char not in USCC_ALPHABET:
            raise IdentityError(f"统一社会信用代码第 {position} 位“{char}”不是有效字符"
                                "（不使用 I、O、Z、S、V），请核对")
    if code[17] != uscc_check_char(code[:17]):
        raise IdentityError("统一社会信用代码校验位（第 18 位）不符：请逐位核对营业执照上的代码")
    return code


MOBILE_PATTERN = "1[3-9][0-9]{9}"  # ASCII digits: \d would also match other scripts' digits
MOBILE_PROBLEM = "手机号应为 11 位数字、以 13 至 19 开头，请核对"


def is_mobile(number: str) -> bool:
    return re.fullmatch(MOBILE_PATTERN, number) is not None


def check_mobile(value: str) -> str:
    number = re.sub(r"[\s-]", "", value)
    if not is_mobile(number):
        raise IdentityError(MOBILE_PROBLEM)
    return number


def mask_phone(phone: str | None) -> str | None:
    """138****5678: the first three and last four digits, as everywhere the public may look."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id(number: str) -> str:
    """4101**********1234: enough to recognise, too little to misuse."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else number
