"""A hall's own set-up, as words and rules: its kinds of area and categories of matter, how a
事项清单 writes yes and no and lists, its opening hours, and the staffing each area needs.

Pure code: the server's setup service, the import, the pages and the tests read these.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

AREA_KINDS = {"special": "帮办代办专区", "division": "分区", "self_service": "自助服务区", "online": "网办区",
              "window": "进驻窗口"}
CATEGORY_NAMES = {"investment": "投资建设", "business": "企业开办", "livelihood": "民生事务"}
CATEGORY_HINTS = {"investment": "项目审批、规划、施工许可", "business": "开公司、变更、税务",
                  "livelihood": "社保、医保、户籍、公积金"}
SERVICE_TYPE_NAMES = {"help": "帮办", "proxy": "代办", "consult": "咨询"}
SERVICE_TYPE_HINTS = {"help": "工作人员陪您办", "proxy": "工作人员替您办", "consult": "有问题先问问"}
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# Seed 000: 专区不少于 3 人，各分区不少于 2 人，不设分区的进驻窗口不少于 1 人.
STAFF_MINIMUM = {"special": 3, "division": 2, "window": 1}

YES = frozenset({"是", "Y", "YES", "TRUE", "1", "√", "✓", "可", "可以", "可代办"})
NO = frozenset({"否", "N", "NO", "FALSE", "0", "×", "✗", "不可", "不可以", ""})
# a list cell: one item a line, or separated by Chinese or Western semicolons (never by 、, which
# a material's own name uses: "公章、财务章、法人章" is one item)
LIST_SPLIT = re.compile(r"[\n；;]+")
LIST_JOIN = "；"


def yes_no(text: str) -> bool | None:
    """"是"/"否" and their usual spellings; None when it is neither."""
    word = (text or "").strip().upper()
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def split_list(text: str) -> list[str]:
    """"材料一；材料二" (or one a line) as ["材料一", "材料二"]: the numbering people type
    ("1." "（1）" "①") is left off."""
    items = []
    for part in LIST_SPLIT.split(text or ""):
        part = re.sub(r"^\s*(?:[0-9]{1,2}[.、．)）]|[（(][0-9]{1,2}[)）]|[①-⑳])\s*", "", part).strip()
        if part:
            items.append(part)
    return items


def join_list(items: Iterable[str]) -> str:
    return LIST_JOIN.join(items)


def category_of(text: str) -> str | None:
    """A category by its key or its Chinese name."""
    text = (text or "").strip()
    if text in CATEGORY_NAMES:
        return text
    return next((key for key, name in CATEGORY_NAMES.items() if name == text), None)


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def clock_minutes(text: str) -> int | None:
    """"08:30" as 510; None when it is not a time of day."""
    found = _CLOCK.fullmatch((text or "").strip())
    return None if found is None else int(found.group(1)) * 60 + int(found.group(2))


@dataclass(frozen=True)
class AreaStaffing:
    """One area's helpers signed in at its windows now, against what the seed asks."""
    area: str
    kind: str
    signed_in: int
    minimum: int

    @property
    def short(self) -> int:
        return max(0, self.minimum - self.signed_in)


def staffing(areas: Iterable[tuple[str, str]], signed_in: dict[str, int]) -> list[AreaStaffing]:
    """``areas``: (name, kind); ``signed_in``: helpers at the windows of each area by name. Only
    areas the seed sets a minimum for are listed (a self-service area needs nobody)."""
    return [AreaStaffing(name, kind, signed_in.get(name, 0), STAFF_MINIMUM[kind])
            for name, kind in areas if kind in STAFF_MINIMUM]
