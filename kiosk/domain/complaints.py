"""Complaints and requests (诉求, 接诉即办, seed 001 第二十六条): the words, and the rule that
sets a deadline in working days and says whether one was handled on time.

A complaint (投诉) is about a helper's or a window's service and counts in seed 004's 举报投诉
unless found untrue; a request (诉求) asks for something and counts only in the handling
figures. Urgent ones are answered within one working day (seed 001: 确保重要和紧急诉求得到优先
处理), the rest within five (the feedback deadline local 好差评 rules set)."""
from __future__ import annotations

from datetime import date

from kiosk.domain.working_days import Calendar

KIND_NAMES = {"complaint": "投诉", "request": "诉求"}
SOURCE_NAMES = {"window": "窗口反映", "hotline": "12345热线", "phone": "电话反映", "public_page": "网上反映",
                "letter": "书面反映"}
CATEGORY_NAMES = {
    "attitude": "服务冷漠、态度差", "refused": "推诿拒绝、未及时受理", "delay": "延误办结",
    "materials_lost": "资料遗失", "explanation": "解释不到位", "misconduct": "拉业务、违规收费、收受宴请礼品",
    "other": "其他",
}
PRIORITY_NAMES = {"urgent": "紧急", "normal": "一般"}
DEADLINE_DAYS = {"urgent": 1, "normal": 5}
FINDING_NAMES = {"founded": "属实", "partly": "部分属实", "unfounded": "不属实"}
STATUS_NAMES = {"open": "处理中", "handled": "已处理"}
TARGET_ON_TIME = 1.0  # seed 002: 咨询、投诉处理及时率 100 %


def deadline(received: date, priority: str, calendar: Calendar) -> date:
    return calendar.add_working_days(received, DEADLINE_DAYS[priority])


def on_time(due: date, handled: date | None, today: date) -> bool | None:
    """Handled by its deadline's day; None while still open and not yet late."""
    if handled is not None:
        return handled <= due
    return False if today > due else None


def counts_against(kind: str, finding: str | None) -> bool:
    """A complaint deducts 2 points (seed 004 举报投诉) unless it was found untrue."""
    return kind == "complaint" and finding != "unfounded"


def misconduct_proven(kind: str, category: str, finding: str | None) -> bool:
    """利用职务之便…一经查实此项不得分."""
    return kind == "complaint" and category == "misconduct" and finding in ("founded", "partly")
