"""A visitor takes a ticket at the kiosk by touch, against a real server, the printer simulator
and a folder of camera frames; the assertions read the server's record and the printed receipt."""
from __future__ import annotations

from pathlib import Path

import requests
from PIL import Image

PHONE = "13812345678"


def decode_qr(png: Path) -> list[str]:
    from pyzbar.pyzbar import decode

    return [code.data.decode() for code in decode(Image.open(png).convert("L"))]


def documents_route(server) -> bool:
    paths = requests.get(server.url + "/openapi.json", timeout=5).json()["paths"]
    return "/api/v1/tickets/{ticket_id}/documents" in paths


def test_a_visitor_takes_a_ticket_by_touch(start_kiosk, printer, camera_frames, staff, sqlite_server):
    kiosk = start_kiosk(printer=printer, camera=camera_frames)
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 帮办", "tap 企业开办")
    shown = kiosk.wait_for(lambda s: s["screen"] == "matter" and s["choices"], what="the matter grid")
    assert shown["choices"][0].startswith("企业设立登记") and "★高频" in shown["choices"][0]  # high-frequency first

    kiosk.do("tap 搜索", "tap Q", "tap Y", "tap S", "tap L")  # 企业设立登记 by its pinyin initials
    found = kiosk.wait_for(lambda s: s["search"] == "qysl" and len(s["choices"]) == 1, what="the search result")
    assert found["choices"][0].startswith("企业设立登记")

    kiosk.do("tap 企业设立登记")
    kiosk.wait_for(lambda s: s["screen"] == "notice")
    kiosk.do("tap 打印材料清单", "tap 下一步", "tap 老年人")
    kiosk.wait_for(lambda s: s["screen"] == "phone")
    kiosk.do("tap 1", "tap 2", "tap 确定")  # too short: refused, with the reason
    assert "11 位" in kiosk.done()["message"]
    kiosk.do("tap 清空", *[f"tap {d}" for d in PHONE], "tap 确定")
    kiosk.wait_for(lambda s: s["screen"] == "capture" and "绿框已框住" in s["camera"], what="the page outline")
    kiosk.do("tap 拍照")
    taken = kiosk.wait_for(lambda s: s["pages"] == 1 and "第 1 页" in s["camera"], what="the page taken")
    assert "已拍好" in taken["camera"]
    kiosk.do("tap 拍完了")
    confirm = kiosk.wait_for(lambda s: s["screen"] == "confirm")
    assert "事项：企业设立登记" in confirm["summary"] and "手机：138****5678" in confirm["summary"]
    assert "已拍 1 页" in confirm["summary"]

    kiosk.do("tap 确认取号")
    done = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="the receipt printed")
    assert done["prints"][0]["ok"] and "已打印" in done["print_line"]

    ticket = staff.ticket(done["ticket_id"])  # what the server issued
    assert ticket["number"] == done["number"] and ticket["service_type"] == "help"
    assert ticket["priority_group"] == "elderly" and ticket["phone"] == PHONE
    assert ticket["status"] == "waiting"

    job = printer.wait_for_jobs(1, timeout=10)[0]  # what came out of the printer
    printed = "".join(job.text)
    assert "138****5678" in printed and PHONE not in printed, "a receipt left on a counter shows no full number"
    codes = decode_qr(Path(job.png_path))
    assert codes == [done["status_url"]] and done["status_url"].endswith(ticket["public_token"])

    # the page goes to the server, or waits in the kiosk's outbox: never lost
    outbox = Path(kiosk.folder.parent / "kiosk-data" / "outbox")
    if documents_route(sqlite_server):
        kiosk.wait_for(lambda s: s["outbox"] == 0, what="the page uploaded")
        pages = staff.request("GET", f"/api/v1/tickets/{ticket['id']}/documents").json()
        assert len(pages) == 1
    else:
        kiosk.wait_for(lambda s: s["outbox"] == 1, what="the page kept for upload")
        assert len(list(outbox.glob("*.jpg"))) == 1


def test_proxy_service_offers_only_matters_that_can_be_proxied(start_kiosk, printer, sqlite_server, staff):
    from kiosk.client import ApiClient

    catalog = ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk")).catalog(category="livelihood")
    proxied = sum(1 for m in catalog["matters"] if m["proxy_allowed"])
    assert 0 < proxied < len(catalog["matters"])  # the demo hall has both kinds
    kiosk = start_kiosk(printer=printer)
    kiosk.do("tap 代办", "tap 民生事务")
    shown = kiosk.wait_for(lambda s: s["screen"] == "matter" and s["choices"], what="the matter grid")
    names = [c.split("  ")[0] for c in shown["choices"]]
    allowed = {m["name"] for m in catalog["matters"] if m["proxy_allowed"]}
    assert names and set(names) <= allowed

    kiosk.do("tap 不清楚是哪个事项", "tap 都不是", "tap 跳过", "tap 确认取号")
    done = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["prints"], what="a ticket without a matter")
    ticket = staff.ticket(done["ticket_id"])
    assert ticket["matter_id"] is None and ticket["service_type"] == "proxy" and done["number"].startswith("B")
