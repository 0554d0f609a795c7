"""From an issued ticket to what the person reads: the receipt's fields and the screen's lines."""
from __future__ import annotations

from datetime import datetime

from devices.printer import TicketReceipt
from kiosk.domain.identity import mask_phone
from kiosk.domain.words_mn import receipt_words

from kiosk.domain.hall_setup import SERVICE_TYPE_NAMES

from .flow import PRIORITY_GROUPS, Flow


def receipt_context(flow: Flow, hall_name: str, where_to_wait: str, language: str = "zh") -> dict:
    """Everything the receipt needs besides the ticket, as JSON-able data for the journal."""
    matter = flow.matter or {}
    return {"hall_name": hall_name, "service_type": SERVICE_TYPE_NAMES[flow.service_type],
            "matter_name": matter.get("name", "现场咨询"), "time_limit_days": matter.get("time_limit_days"),
            "materials": matter.get("materials") if flow.print_materials else None,
            "phone": mask_phone(flow.phone) or "", "priority_note": PRIORITY_GROUPS.get(flow.priority_group or "", ""),
            "where_to_wait": where_to_wait, **({"language": language} if language != "zh" else {})}


def ticket_receipt(ticket: dict, context: dict) -> TicketReceipt:
    issued = ticket.get("issued_at")
    receipt = TicketReceipt(
        hall_name=context["hall_name"], number=ticket["number"], service_type=context["service_type"],
        matter_name=context["matter_name"], waiting_ahead=int(ticket.get("waiting_ahead") or 0),
        estimated_wait_s=int(ticket.get("estimated_wait_s") or 0), staffed_windows=ticket.get("staffed_windows"),
        issued_at=datetime.fromisoformat(issued) if issued else datetime.now().astimezone(),
        status_url=ticket["status_url"], time_limit_days=context.get("time_limit_days"),
        materials=context.get("materials"), phone=context.get("phone") or "",
        priority_note=context.get("priority_note") or "")
    if context.get("language") == "mn-zh":
        receipt.mongolian = receipt_words(receipt.hall_name, f"监督投诉电话：{receipt.complaint_phone}")
    return receipt


def where_to_wait(windows: list[dict], queue_id: int | None) -> str:
    """"请在帮办代办专区等候（1、2 号窗口）" from the windows that serve the ticket's queue."""
    serving = [w for w in windows if queue_id in w.get("queue_ids", [])]
    if not serving:
        return "请在等候区就座，留意大屏叫号"
    areas = list(dict.fromkeys(w.get("area") or "" for w in serving if w.get("area")))
    numbers = "、".join(str(w["number"]) for w in serving)
    return f"请在{'、'.join(areas) or '等候区'}等候（{numbers} 号窗口）"


def wait_text(ticket: dict) -> str:
    ahead = int(ticket.get("waiting_ahead") or 0)
    minutes = round(int(ticket.get("estimated_wait_s") or 0) / 60)
    if ahead == 0:
        return "前面没有人，请留意叫号"
    return f"前面还有 {ahead} 人，" + (f"约等 {minutes} 分钟" if minutes >= 1 else "很快就到")
