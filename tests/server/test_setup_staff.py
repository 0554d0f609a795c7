"""The staff register: a helper registered with a first PIN shown once, changed, deactivated
(their sessions end and sign-in refuses them at once), a PIN reset; the list posted (公示)
for the display and the public; the staffing minimums on the overview."""
from __future__ import annotations

import re

import requests
from sqlalchemy import select

from kiosk.server.models import AuditEntry, Helper
from tests.conftest import auth
from tests.server.api import Api, read_events
from tests.supervisor.web import Web

NEW = dict(code="2001", name="孙悦", post="综合窗口科员", unit="县行政审批服务局", phone="0538-6612345",
           skills="企业开办；税务", role="helper", started_on="2026-12-01", full_time="是")


def staff_post(web: Web, path: str, **fields):
    return web.post(path, {"csrf": web.csrf("/supervisor/staff"), **fields})


def shown_pin(html: str) -> str:
    return re.search(r'<span class="pin">(\d{6})</span>', html).group(1)


def sign_in(server, terminal: str, code: str, pin: str, window: int = 4):
    return requests.post(server.url + "/api/v1/sessions", headers=auth(terminal),
                         json={"helper_code": code, "pin": pin, "window": window}, timeout=10)


def helper_id(server, code: str) -> int:
    with server.database.read() as db:
        return db.scalar(select(Helper.id).where(Helper.code == code, Helper.hall_id == 2))


def test_register_sign_in_deactivate_and_reset_a_pin(live_server):
    web, terminal = Web(live_server), live_server.device_token("window", 4)
    web.login()
    added = staff_post(web, "/supervisor/staff", **NEW)
    assert added.status_code == 200 and "登记人员：孙悦（工号 2001）" in added.text
    pin = shown_pin(added.text)
    assert pin not in web.get("/supervisor/staff").text  # shown once, on the answer only
    assert staff_post(web, "/supervisor/staff", **NEW).status_code == 409
    wrong = staff_post(web, "/supervisor/staff", **{**NEW, "code": "20 01", "role": "boss", "started_on": "昨天"})
    assert wrong.status_code == 422 and "有 3 处需要修改" in wrong.text and "请从列表中选择角色" in wrong.text
    coordinator_made_chief = Web(live_server)
    coordinator_made_chief.login("1002")
    refused = staff_post(coordinator_made_chief, "/supervisor/staff", **{**NEW, "code": "2002", "role": "chief"})
    assert refused.status_code == 403 and "只有首席帮办代办员可以设置" in refused.text

    session = sign_in(live_server, terminal, "2001", pin)
    assert session.status_code == 201
    token = session.json()["token"]
    assert Api(live_server.url, token).get("/api/v1/windows/4/line").status_code == 200
    sid = helper_id(live_server, "2001")
    changed = staff_post(web, f"/supervisor/staff/{sid}", **{**NEW, "post": "帮办代办专区负责人"})
    assert "变更人员信息：孙悦（工号 2001）" in changed.text

    staff_post(web, f"/supervisor/staff/{sid}/deactivate")
    assert Api(live_server.url, token).get("/api/v1/windows/4/line").status_code == 401  # at once
    again = sign_in(live_server, terminal, "2001", pin)
    assert again.status_code == 403 and again.json()["error"]["message"].startswith("该账号已停用")
    display = live_server.device_token("display")
    told = [e for e in read_events(live_server.url, display, after=0, count=5) if e["type"] == "window.staffed"]
    assert told[-1] == {**told[-1], "window": 4, "helper": None}  # the display stops listing them

    staff_post(web, f"/supervisor/staff/{sid}/activate")
    reset = staff_post(web, f"/supervisor/staff/{sid}/reset-pin")
    new_pin = shown_pin(reset.text)
    assert sign_in(live_server, terminal, "2001", pin).status_code == 401
    assert sign_in(live_server, terminal, "2001", new_pin).status_code == 201
    me = helper_id(live_server, "1001")
    assert "不能停用自己的账号" in staff_post(web, f"/supervisor/staff/{me}/deactivate").text
    with live_server.database.read() as db:
        actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("staff.%"))
                                  .order_by(AuditEntry.id)))
        assert new_pin not in str(list(db.scalars(select(AuditEntry.detail))))
    assert actions == ["staff.add", "staff.update", "staff.deactivate", "staff.activate", "staff.reset_pin"]


def test_a_deactivated_supervisor_is_signed_out_of_the_pages(sqlite_server):
    chief, coordinator = Web(sqlite_server), Web(sqlite_server)
    chief.login()
    coordinator.login("1002")
    assert coordinator.get("/supervisor/overview").url.endswith("/supervisor/overview")
    staff_post(chief, f"/supervisor/staff/{helper_id(sqlite_server, '1002')}/deactivate")
    assert "/supervisor/login" in coordinator.get("/supervisor/overview").url
    answer = coordinator.login("1002")
    assert answer.status_code == 403 and "该账号已停用" in answer.text


def test_the_posted_list_and_the_staffing_minimums(sqlite_server):
    web = Web(sqlite_server)
    web.login()
    staff_post(web, "/supervisor/staff", **NEW)
    posted = Api(sqlite_server.url, sqlite_server.device_token("display")).get("/api/v1/staff/posted").json()
    assert posted["hall"] == "示范县政务服务中心" and len(posted["staff"]) == 11
    sun = next(s for s in posted["staff"] if s["name"] == "孙悦")
    assert sun == {"name": "孙悦", "role": "helper", "post": "综合窗口科员", "unit": "县行政审批服务局",
                   "phone": "0538-6612345", "skills": ["企业开办", "税务"]}
    page = requests.get(sqlite_server.url + "/public/halls/county/staff", timeout=10)
    assert page.status_code == 200 and "示范县政务服务中心帮办代办人员名单" in page.text and "0538-6612345" in page.text
    assert requests.get(sqlite_server.url + "/public/halls/nowhere/staff", timeout=10).status_code == 404

    def minimums() -> list[tuple[str, ...]]:
        html = web.get("/supervisor/overview/live").text.split('class="staff-minimums"')[1]
        return re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td><span class=\"\w+\">([^<]+)</span>", html)

    assert minimums()[:2] == [("帮办代办专区", "0", "3", "不足，缺 3 人"), ("企业开办分区", "0", "2", "不足，缺 2 人")]
    for window, code in ((1, "1003"), (2, "1004"), (8, "1005")):  # 8 is in 综合一窗分区, not the zone
        sqlite_server.helper_session(window, code)
    assert minimums()[0] == ("帮办代办专区", "2", "3", "不足，缺 1 人")
    web.post("/supervisor/setup/windows/8", {"csrf": web.csrf(), "form": "window", "number": "8", "name": "咨询与综合帮办窗口",
                                             "area_id": "1", "queue_ids": ["8", "1"]})
    assert minimums()[0] == ("帮办代办专区", "3", "3", "达标")
