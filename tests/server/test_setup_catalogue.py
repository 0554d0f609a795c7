"""A hall sets itself up on the setup pages: queues, windows and matters changed, each refusal
said in Chinese, every change audited, listed in the 事项变动登记表 and on the event stream, and
taken up by the kiosks' and windows' API at once, with no restart."""
from __future__ import annotations

import re

from sqlalchemy import select

from kiosk.server.admin import add_helper
from kiosk.server.models import AuditEntry, Hall, Matter, Queue
from tests.server.api import Api, read_events
from tests.supervisor.web import Web

COUNTY, TOWNSHIP = 2, 3  # the demo tree's hall ids: city 1, county 2, township 3, village 4


def notice(html: str, kind: str) -> str:
    found = re.findall(rf'class="notice {kind}"[^>]*><strong>[^<]*</strong>(.*?)</p>', html, re.S)
    return found[0] if found else ""


def setup_post(web: Web, path: str, **fields):
    return web.post(path, {"csrf": web.csrf("/supervisor/setup"), **fields})


def catalogue(server, kiosk: str) -> dict:
    return Api(server.url, kiosk).get("/api/v1/catalog").json()


def test_queues_and_windows_change_at_once_and_refusals_are_said(live_server):
    web, kiosk = Web(live_server), live_server.device_token("kiosk")
    web.login()
    added = setup_post(web, "/supervisor/setup/queues", form="queue", prefix="j", name="不动产登记", service_type="help",
                       area_id="1")
    assert added.status_code == 200 and added.history[0].status_code == 303
    assert notice(added.text, "ok") == "新增队列：J 不动产登记"
    assert "J" in [q["prefix"] for q in catalogue(live_server, kiosk)["queues"]]

    refused = {
        "队列前缀“A”已被队列“综合帮办”使用，请换一个字母": dict(prefix="a", name="重名", service_type="help"),
        "队列前缀须为 1 到 2 个英文字母，如 A 或 AB": dict(prefix="1", name="数字", service_type="help"),
        "名称不能超过 60 个字": dict(prefix="K", name="长" * 5000, service_type="help"),
        "请从列表中选择服务类型": dict(prefix="K", name="类型", service_type="queue"),
    }
    for message, fields in refused.items():
        answer = setup_post(web, "/supervisor/setup/queues", form="queue", **fields)
        assert answer.status_code in (409, 422) and message in notice(answer.text, "error"), message
    assert setup_post(web, "/supervisor/setup/windows", form="window", number="3", name="又一个三号").status_code == 409
    in_use = setup_post(web, "/supervisor/setup/queues/3/delete")
    assert in_use.status_code == 409 and "队列“C 企业开办”下还有 6 个事项" in notice(in_use.text, "error")

    # 窗口调整: window 3 leaves 企业开办 for 人社医保 in one action; its next call is from D
    moved = setup_post(web, "/supervisor/setup/windows/3/queues", form="move3", queue_ids=["4"])
    assert notice(moved.text, "ok") == "调整窗口：3 号 企业开办窗口，服务队列 D"
    Api(live_server.url, kiosk).post("/api/v1/tickets", {"queue_id": 4, "service_type": "help"})
    helper = Api(live_server.url, live_server.helper_session(3, "1008"))
    assert helper.post("/api/v1/windows/3/call-next").json()["number"] == "D001"
    windows = {w["number"]: w for w in Api(live_server.url, kiosk).get("/api/v1/windows").json()}
    assert windows[3]["queue_ids"] == [4]

    new_window = setup_post(web, "/supervisor/setup/windows", form="window", number="9", name="不动产窗口",
                            queue_ids=["9"])
    assert notice(new_window.text, "ok") == "新增窗口：9 号 不动产窗口，服务队列 J"
    held = setup_post(web, "/supervisor/setup/queues/9/delete")
    assert held.status_code == 409 and "9 号窗口仍在叫队列“J 不动产登记”的号" in notice(held.text, "error")
    assert setup_post(web, "/supervisor/setup/windows/9/delete").status_code == 200
    gone = setup_post(web, "/supervisor/setup/queues/9/delete")
    assert notice(gone.text, "ok") == "删除队列：J 不动产登记"
    assert "J" not in [q["prefix"] for q in catalogue(live_server, kiosk)["queues"]]

    # every change told to the terminals, in order
    told = [e for e in read_events(live_server.url, kiosk, after=0, count=8) if e["type"] == "catalogue.changed"]
    assert [e["summary"] for e in told][:2] == ["新增队列：J 不动产登记", "调整窗口：3 号 企业开办窗口，服务队列 D"]
    with live_server.database.read() as db:
        actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("setup.%"))
                                  .order_by(AuditEntry.id)))
    assert actions == ["setup.queue.add", "setup.window.update", "setup.window.add", "setup.window.delete",
                       "setup.queue.delete"]


def test_matters_are_kept_current_and_every_change_registered(live_server):
    web, kiosk = Web(live_server), live_server.device_token("kiosk")
    web.login()
    fields = dict(form="matter", name="个体工商户设立登记", queue_id="3", category="business", department="市场监督管理局",
                  time_limit_days="1", materials="1. 经营者身份证\n2. 经营场所证明", steps="申请；核准", proxy_allowed="是",
                  high_frequency="否", address="县政务服务中心二楼", phone="0538-12345")
    assert notice(setup_post(web, "/supervisor/setup/matters", **fields).text, "ok") == "新增事项：个体工商户设立登记"
    found = next(m for m in catalogue(live_server, kiosk)["matters"] if m["name"] == "个体工商户设立登记")
    assert found["materials"] == ["经营者身份证", "经营场所证明"] and found["search_key"] == "gtgshsldj"
    again = setup_post(web, "/supervisor/setup/matters", **fields)
    assert again.status_code == 409 and "已在清单中" in notice(again.text, "error")
    bad = setup_post(web, "/supervisor/setup/matters", **{**fields, "name": "", "time_limit_days": "三天",
                                                          "proxy_allowed": "也许"})
    assert bad.status_code == 422 and "有 3 处需要修改" in notice(bad.text, "error")
    assert "请填写名称" in bad.text and "请填写“是”或“否”" in bad.text

    changed = setup_post(web, f"/supervisor/setup/matters/{found['id']}", **{**fields, "time_limit_days": "3",
                                                                           "high_frequency": "是"})
    assert notice(changed.text, "ok") == "变更事项：个体工商户设立登记（承诺时限、高频事项）"
    Api(live_server.url, kiosk).post("/api/v1/tickets", {"matter_id": found["id"], "service_type": "help"})
    retired = setup_post(web, f"/supervisor/setup/matters/{found['id']}/delete")
    assert notice(retired.text, "ok") == "停用事项：个体工商户设立登记（已有办件记录，台账保留）"
    assert found["id"] not in [m["id"] for m in catalogue(live_server, kiosk)["matters"]]
    plain = setup_post(web, "/supervisor/setup/matters/32/delete")  # never asked for: deleted outright
    assert notice(plain.text, "ok") == "删除事项：政策咨询（帮办代办服务）"

    register = re.sub(r"<[^>]+>", " ", web.get("/supervisor/setup/changes").text)
    assert "停用 个体工商户设立登记 — 企业开办 是" in re.sub(r"\s+", " ", register)
    assert "承诺时限：1 → 3；高频事项：否 → 是" in register and "新增 — 个体工商户设立登记" in re.sub(r"\s+", " ", register)
    with live_server.database.read() as db:
        assert db.scalar(select(Matter.retired_at).where(Matter.id == found["id"])) is not None
        assert db.get(Matter, 32) is None


def test_only_the_hall_s_coordinators_and_chiefs_and_those_above_edit(sqlite_server):
    add_helper(sqlite_server.database, "3001", "镇协调员", "246810", "coordinator", "township")
    county = Web(sqlite_server)
    county.login()
    below = setup_post(county, "/supervisor/setup/queues", hall=str(TOWNSHIP), form="queue", prefix="A",
                       name="便民服务", service_type="help")
    assert notice(below.text, "ok") == "新增队列：A 便民服务" and "hall=3" in below.url
    with sqlite_server.database.read() as db:
        assert db.scalar(select(Queue.hall_id).where(Queue.name == "便民服务")) == TOWNSHIP
        assert db.scalar(select(AuditEntry.hall_id).where(AuditEntry.action == "setup.queue.add")) == TOWNSHIP

    township = Web(sqlite_server)
    form = township.get("/supervisor/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text).group(1)
    township.post("/supervisor/login", {"hall": str(TOWNSHIP), "code": "3001", "pin": "246810", "login_token": token})
    above = setup_post(township, "/supervisor/setup/queues", hall=str(COUNTY), form="queue", prefix="Q",
                       name="越权", service_type="help")
    assert above.status_code == 403 and "只能查看和修改本大厅及下级大厅" in notice(above.text, "error")
    assert township.get("/supervisor/setup", params={"hall": str(COUNTY)}).status_code == 403
    forged = township.post("/supervisor/setup/queues", {"csrf": "x", "form": "queue", "prefix": "Q", "name": "伪造",
                                                        "service_type": "help"})
    assert forged.status_code == 403 and "表单已过期" in forged.text
    nul = setup_post(township, "/supervisor/setup/queues", form="queue", prefix="Q", name="空\x00字符",
                     service_type="help")
    assert nul.status_code == 400 and "空字符" in nul.json()["error"]["message"]
    with sqlite_server.database.read() as db:
        assert db.scalar(select(Queue.id).where(Queue.prefix == "Q")) is None
        assert db.scalar(select(Hall.hours).where(Hall.id == TOWNSHIP)) == {}


def test_opening_hours_and_closures(sqlite_server):
    web = Web(sqlite_server)
    web.login()
    week = {f"opens{d}": "08:30" for d in range(1, 6)} | {f"closes{d}": "17:30" for d in range(1, 6)}
    assert notice(setup_post(web, "/supervisor/setup/hours", **week).text, "ok") == "修改办公时间"
    wrong = setup_post(web, "/supervisor/setup/hours", **{**week, "closes2": "07:00", "opens6": "9点"})
    assert wrong.status_code == 422 and "时间请写成 08:30 这样的 24 小时制" in wrong.text
    backwards = setup_post(web, "/supervisor/setup/hours", **{**week, "closes2": "07:00"})
    assert "星期二的关门时间要晚于开门时间" in notice(backwards.text, "error")
    closed = setup_post(web, "/supervisor/setup/closures", form="closure", day="2027-01-25", reason="大厅搬迁")
    assert notice(closed.text, "ok") == "登记不办公日：2027-01-25（大厅搬迁）"
    twice = setup_post(web, "/supervisor/setup/closures", form="closure", day="2027-01-25", reason="又一次")
    assert twice.status_code == 409 and "已登记为不办公日" in notice(twice.text, "error")
    with sqlite_server.database.read() as db:
        assert db.get(Hall, COUNTY).hours == {str(d): ["08:30", "17:30"] for d in range(1, 6)}
