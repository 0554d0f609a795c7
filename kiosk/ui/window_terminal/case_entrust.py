"""The entrust form (签订代办服务委托书): its fields, prefilled from the ticket being served, and
its checks, made where the helper types (GB 11643 ID number, GB 32100 credit code, mobile) so a
mistake is said before anything is sent. Pure: no Kivy, no network.

    fields = entrust_fields(matters, ticket={"phone": "13912345678", "matter_id": 11}, who="刘䶮")
    body, items, problems = checked_entrustment(values)      # problems: every mistake at once
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.domain import identity
from kiosk.domain.case_states import DELIVERY_NAMES

KINDS = [("person", "个人"), ("organisation", "企业或单位")]


@dataclass(frozen=True)
class Field:
    """One field of a case dialog. ``choices``: (value, label) pairs shown as buttons; none: typed text."""
    name: str
    label: str
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    multiline: bool = False
    hint: str = ""
    required: bool = True


@dataclass(frozen=True)
class Item:
    name: str
    copies: int
    original: bool


def entrust_fields(matters: list[dict], ticket: dict | None = None, who: str = "") -> list[Field]:
    """The matters offered for proxy handling; the ticket's matter, phone and the log's name prefilled."""
    ticket = ticket or {}
    offered = [(str(m["id"]), m["name"]) for m in matters if m.get("proxy_allowed")]
    chosen = str(ticket.get("matter_id") or "")
    return [
        Field("applicant_kind", "委托方", "person", tuple(KINDS)),
        Field("applicant", "姓名或单位名称", who),
        Field("id_number", "证件号码", hint="个人填 18 位身份证号；单位填 18 位统一社会信用代码"),
        Field("phone", "联系电话（手机）", ticket.get("phone") or ""),
        Field("delivery", "结果送达方式", "pickup", tuple(DELIVERY_NAMES.items())),
        Field("items", "移交清单（一行一项：名称 份数 原件/复印件）", multiline=True, required=False,
              hint="如：营业执照 1 原件\n施工合同 2 复印件"),
        # last: the catalogue's long list would push the other fields out of sight
        Field("matter_id", "代办事项", chosen if chosen in dict(offered) else "", tuple(offered)),
    ]


def parse_items(text: str) -> tuple[list[Item], list[str]]:
    """"施工合同 2 原件" per line; copies default 1, 复印件 by default. Problems name the line."""
    items, problems = [], []
    for number, line in enumerate((l.strip() for l in text.splitlines()), start=1):
        if not line:
            continue
        words = line.replace("，", " ").replace(",", " ").split()
        original = False
        if words and words[-1] in ("原件", "复印件"):
            original = words.pop() == "原件"
        copies = 1
        if len(words) > 1 and re.fullmatch(r"\d{1,3}", words[-1]):
            copies = int(words.pop())
        name = " ".join(words)
        if not name or copies < 1:
            problems.append(f"移交清单第 {number} 行看不懂：请写“名称 份数 原件/复印件”")
            continue
        items.append(Item(name[:200], copies, original))
    return items, problems


def checked_entrustment(values: dict[str, str]) -> tuple[dict, list[Item], list[str]]:
    """The body for ``open_case`` (without ticket_id), the items, and every problem found."""
    problems: list[str] = []
    kind = values.get("applicant_kind") or "person"
    name = values.get("applicant", "").strip()
    if not name:
        problems.append("请填写委托方的姓名或单位名称")
    number = values.get("id_number", "")
    try:
        number = identity.check_resident_id(number) if kind == "person" else identity.check_credit_code(number)
    except identity.IdentityError as exc:
        problems.append(exc.message)
    phone = values.get("phone", "")
    try:
        phone = identity.check_mobile(phone)
    except identity.IdentityError as exc:
        problems.append(exc.message)
    if not values.get("matter_id"):
        problems.append("请选择代办事项")
    items, item_problems = parse_items(values.get("items", ""))
    problems += item_problems
    body = {"applicant": name, "applicant_kind": kind, "id_number": number, "phone": phone,
            "matter_id": int(values["matter_id"]) if values.get("matter_id") else 0,
            "delivery": values.get("delivery") or "pickup"}
    return body, items, problems
