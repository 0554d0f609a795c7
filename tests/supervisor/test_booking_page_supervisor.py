"""The supervisor's 预约与上门 page: a band added through its form (a refused one said in words),
today's bookings with their states, and the home visits due and overdue."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

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
