"""The supervisor's 预约与上门 page: a band added through its form (a refused one said in words),
today's bookings with their states, and the home visits due and overdue."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from kiosk.server.admin import add_helper
from tests.server.api import Api
from tests.server.booking_helpers import booking_body, next_slot, shift
from tests.supervisor.web import CHIEF, Web


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_bands_bookings_and_visits_on_the_supervisor_page(sqlite_server):
    web = Web(sqlite_server)
    web.login(CHIEF)
    empty = _text(web.get("/supervisor/bookings").text)
    assert "还没有设置预约时段" in empty and "没有到期或逾期的上门服务" in empty
    csrf = web.csrf("/supervisor/bookings")
    refused = web.post("/supervisor/bookings/bands", {"csrf": csrf, "queue_id": "3", "kind": "extended",
                                                       "weekdays": "01234", "start": "18:00", "end": "17:00",
                                                       "slot_minutes": "30", "capacity": "2"})
    assert refused.status_code == 422 and "结束时间应晚于开始时间" in refused.text
    added = web.post("/supervisor/bookings/bands", {"csrf": csrf, "queue_id": "3", "kind": "weekend",
                                                     "weekdays": "56", "start": "00:00", "end": "23:59",
                                                     "slot_minutes": "15", "capacity": "2"})
    assert added.status_code == 200 and "已添加预约时段" in added.text, _text(added.text)[-600:]  # followed the redirect
    assert "周末便民服务 周六、周日 00:00–23:59" in _text(added.text)
    forged = web.post("/supervisor/bookings/bands", {"csrf": "forged", "queue_id": "3", "kind": "regular",
                                                      "weekdays": "0123456", "start": "00:00", "end": "23:59",
                                                      "slot_minutes": "15", "capacity": "2"})
    assert forged.status_code == 403
    web.post("/supervisor/bookings/bands", {"csrf": csrf, "queue_id": "3", "kind": "regular",
                                            "weekdays": "0123456", "start": "00:00", "end": "23:59",
                                            "slot_minutes": "15", "capacity": "2"})

    helper = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    made = helper.post("/api/v1/bookings", booking_body(next_slot(helper))).json()
    shift(sqlite_server, made["id"], timedelta(hours=-1))
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    helper.post("/api/v1/home-visits", {"citizen": "李奶奶", "phone": "13912345678", "address": "城关镇幸福路8号",
                                        "reason": "sick", "matter_ids": [1], "proposed_at": past})
    page = _text(web.get("/supervisor/bookings").text)
    assert "今日预约 1 个" in page and "未到（爽约）" in page and "爽约率 100.0%" in page
    assert "上门服务：到期和逾期 1 件" in page and "李奶奶" in page and "已逾期 · 待安排" in page
    assert "139****5678" in page and "13912345678" not in page


def test_a_coordinator_arranges_a_joint_home_visit_on_the_page(sqlite_server):
    helper = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    later = (datetime.now(timezone.utc) + timedelta(days=5)).isoformat(timespec="seconds")  # not yet due: still listed
    visit = helper.post("/api/v1/home-visits", {"citizen": "王大爷", "phone": "13912345678", "address": "东关社区3号楼",
                                                "reason": "frail", "matter_ids": [1], "proposed_at": later}).json()
    add_helper(sqlite_server.database, "2001", "郑乡干", "246810", hall_code="township")
    web = Web(sqlite_server)
    web.login(CHIEF)
    page = _text(web.get("/supervisor/bookings").text)
    assert "安排上门服务 1 件" in page and "王大爷" in page
    township = re.search(r'value="(\d+)">郑乡干（', web.get("/supervisor/bookings").text)
    assert township, "helpers of the halls below are offered for a joint visit"
    csrf = web.csrf("/supervisor/bookings")
    path = f"/supervisor/bookings/visits/{visit['id']}/schedule"
    nobody = web.post(path, {"csrf": csrf, "at": "2026-12-20T10:30"})
    assert nobody.status_code == 422 and "请至少选择一名上门人员" in nobody.text
    done = web.post(path, [("csrf", csrf), ("helper_ids", "6"), ("helper_ids", township[1]), ("at", "2026-12-20T10:30")])
    assert done.status_code == 200 and "已安排上门服务" in done.text
    arranged = helper.get("/api/v1/home-visits").json()["visits"]
    ours = next(v for v in arranged if v["id"] == visit["id"])
    assert ours["state"] == "scheduled" and ours["scheduled_at"].startswith("2026-12-20T10:30:00+08:00")
    assert len(ours["helpers"]) == 2


def test_a_band_is_changed_on_the_page_audited_and_keeps_room_for_its_bookings(sqlite_server):
    from sqlalchemy import select

    from kiosk.server.models import AuditEntry
    from tests.server.booking_helpers import open_all_day, supervisor

    band = open_all_day(sqlite_server, capacity=3)
    helper = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    slot = next_slot(helper)
    for phone in ("13912345678", "13912345679"):
        assert helper.post("/api/v1/bookings", booking_body(slot, phone=phone)).status_code == 201
    web = Web(sqlite_server)
    web.login(CHIEF)
    page = web.get("/supervisor/bookings").text
    assert f'action="/supervisor/bookings/bands/{band["id"]}"' in page and "修改预约时段" in page
    csrf = web.csrf("/supervisor/bookings")
    path = f"/supervisor/bookings/bands/{band['id']}"
    fields = {"csrf": csrf, "queue_id": str(band["queue_id"]), "matter_id": "", "kind": "regular",
              "weekdays": "0123456", "start": "00:00", "end": "23:59", "slot_minutes": "15", "active": "1"}
    booked_day = date.fromisoformat(slot["day"])
    day = f"{booked_day.month}月{booked_day.day}日"
    too_few = web.post(path, {**fields, "capacity": "1"})
    assert too_few.status_code == 409, _text(too_few.text)[-400:]
    assert f"{day} {slot['start']} 已有 2 个预约，每段名额不能少于 2" in _text(too_few.text)
    gone = web.post(path, {**fields, "capacity": "3", "start": "00:05"})  # every slot would start 5 minutes later
    assert gone.status_code == 409 and f"{day} {slot['start']} 已有 2 个预约，修改后该时段将不再开放" in _text(gone.text)
    fields.update(kind="extended", end="23:45")
    changed = web.post(path, {**fields, "capacity": "2"})
    assert changed.status_code == 200 and "已保存预约时段的修改" in changed.text
    assert "延时服务 周一、周二、周三、周四、周五、周六、周日 00:00–23:45" in _text(changed.text)
    body = {k: band[k] for k in ("queue_id", "matter_id", "kind", "weekdays", "start", "end", "slot_minutes")}
    by_api = supervisor(sqlite_server).put(f"/api/v1/booking-bands/{band['id']}", {**body, "capacity": 1})
    assert by_api.status_code == 409 and by_api.json()["error"]["code"] == "capacity_below_booked"
    off = web.post(path, {k: v for k, v in {**fields, "capacity": "2"}.items() if k != "active"})
    assert off.status_code == 200 and "停用" in _text(off.text)
    assert helper.get("/api/v1/booking-slots", params={"matter_id": 1}).json()["slots"] == []
    with sqlite_server.database.read() as db:
        saved = [e.detail for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "booking_band.save")
                                              .order_by(AuditEntry.id))]
    assert saved[-2]["changed"] == {"kind": ["regular", "extended"], "end": ["23:59", "23:45"], "capacity": [3, 2]}
    assert saved[-1]["changed"] == {"active": [True, False]}
