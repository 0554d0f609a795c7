"""The supervisor's 预约与上门 page: a band added through its form (a refused one said in words),
today's bookings with their states, and the home visits due and overdue."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

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
