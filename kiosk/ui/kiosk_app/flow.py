"""One visitor's way through the kiosk, as plain data: what was chosen so far, and the rules
for each step. Nothing here knows Kivy, so the rules are tested without a window."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from kiosk.domain.identity import MOBILE_PROBLEM, is_mobile, mask_phone
from kiosk.domain.hall_setup import SERVICE_TYPE_NAMES
from kiosk.domain.queue_policy import SELF_DECLARED_GROUPS

PRIORITY_GROUPS = SELF_DECLARED_GROUPS  # the kiosk's choices: the domain's words, green channel left out
PHONE_PROBLEM = MOBILE_PROBLEM + "；也可以不填，直接点“跳过”。"

# the steps in order; "capture" is left out when the kiosk has no document camera
STEPS = ("welcome", "category", "matter", "notice", "priority", "phone", "capture", "confirm", "ticket")


def phone_problem(digits: str) -> str | None:
    """None when the number is acceptable (empty means "not given")."""
    if not digits or is_mobile(digits):
        return None
    return PHONE_PROBLEM


def spaced_phone(digits: str) -> str:
    """13812345678 -> 138 1234 5678, as people read a number back."""
    return " ".join(part for part in (digits[:3], digits[3:7], digits[7:11]) if part)


@dataclass
class Flow:
    service_type: str | None = None
    category: str | None = None
    matter: dict | None = None  # as the catalogue gives it
    queue_id: int | None = None  # when no matter was chosen ("not sure which matter")
    priority_group: str | None = None
    phone: str = ""
    print_materials: bool = False
    pages: list = field(default_factory=list)  # captured page images, in memory until the ticket exists
    # made once per flow: a retry after a timeout returns the same ticket, never a second one
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def steps(self, with_camera: bool) -> list[str]:
        steps = [s for s in STEPS if with_camera or s != "capture"]
        if self.matter is None and self.queue_id is not None:
            steps.remove("notice")  # no matter, nothing to tell about
        return steps

    def step_before(self, step: str, with_camera: bool) -> str:
        steps = self.steps(with_camera)
        if step not in steps:
            return "welcome"
        return steps[max(0, steps.index(step) - 1)]

    def step_after(self, step: str, with_camera: bool) -> str:
        steps = self.steps(with_camera)
        return steps[min(len(steps) - 1, steps.index(step) + 1)]

    def request(self) -> dict:
        """The body of POST /api/v1/tickets (without the key, which goes in a header)."""
        body = {"service_type": self.service_type, "priority_group": self.priority_group,
                "phone": self.phone or None}
        if self.matter is not None:
            body["matter_id"] = self.matter["id"]
        else:
            body["queue_id"] = self.queue_id
        return body

    def summary(self) -> list[tuple[str, str]]:
        """What the confirm screen reads back, line by line."""
        lines = [("服务", SERVICE_TYPE_NAMES.get(self.service_type or "", "")),
                 ("事项", self.matter["name"] if self.matter else "现场咨询，不指定事项"),
                 ("优先", PRIORITY_GROUPS.get(self.priority_group or "", "无")),
                 ("手机", mask_phone(self.phone) or "未填写")]
        if self.pages:
            lines.append(("材料", f"已拍 {len(self.pages)} 页，取号后上传给窗口预审"))
        if self.print_materials:
            lines.append(("凭条", "附打印材料清单"))
        return lines


def matters_for(catalog_matters: list[dict], flow: Flow) -> list[dict]:
    """The matters this visitor can choose: the category's, proxy-capable ones for 代办,
    high-frequency first (the server already orders them so; kept stable here)."""
    chosen = [m for m in catalog_matters if flow.category is None or m["category"] == flow.category]
    if flow.service_type == "proxy":
        chosen = [m for m in chosen if m.get("proxy_allowed")]
    return sorted(chosen, key=lambda m: not m.get("high_frequency"))


def search_matters(catalog_matters: list[dict], text: str) -> list[dict]:
    """The server's own rule (characters of the name, or pinyin initials), for when it is away."""
    needle = text.strip()
    if not needle:
        return list(catalog_matters)
    return [m for m in catalog_matters
            if needle in m["name"] or needle.lower() in (m.get("search_key") or "")]


def general_queue(queues: list[dict], service_type: str) -> int | None:
    """The queue for "I am not sure which matter": the first one of that kind of service."""
    return next((q["id"] for q in queues if q["service_type"] == service_type), None)


def page_of(items: list, page: int, per_page: int) -> tuple[list, int, int]:
    """(the items on that page, the page clamped, the number of pages)."""
    pages = max(1, -(-len(items) // per_page))
    page = max(0, min(page, pages - 1))
    return items[page * per_page:(page + 1) * per_page], page, pages
