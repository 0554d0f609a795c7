"""Figures from the records, aggregated in the database, on SQLite and PostgreSQL."""
from datetime import timedelta

from sqlalchemy import update

from kiosk.server.models import Service, Ticket
from tests.server.api import Api


def test_waiting_service_satisfaction_and_coverage(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    helper = Api(live_server.url, live_server.helper_session(1, "1003"))
    pad = Api(live_server.url, live_server.device_token("pad", 1))
    ids = []
    for score in (5, 4, 2, None):
        kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})
        ticket = helper.post("/api/v1/windows/1/call-next").json()
        helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done"})
        ids.append(ticket["id"])
        if score:
            pad.post("/api/v1/windows/1/ratings", {"score": score, "pad_seq": len(ids)})
    with live_server.database.write() as db:  # make the times known: waits of 3, 3, 3, 13 minutes
        for n, tid in enumerate(ids):
            t = db.get(Ticket, tid)
            wait = timedelta(minutes=13 if n == 3 else 3)
            db.execute(update(Ticket).where(Ticket.id == tid).values(issued_at=t.called_at - wait,
                                                                     rank_at=t.called_at - wait))
            db.execute(update(Service).where(Service.ticket_id == tid)
                       .values(finished_at=t.called_at + timedelta(minutes=10)))
    summary = helper.get("/api/v1/figures").json()
    assert summary["services"] == 4
    assert summary["waiting"] == {"count": 4, "mean_min": 5.5, "p90_min": 14}
    assert summary["service"]["mean_min"] == 10.0
    assert summary["satisfaction"]["rate"] == 0.6667 and summary["rating_coverage"] == 0.75
    assert summary["follow_ups"] == {"open": 1, "closed": 0}
    # seed 004's items in its order; the inspected ones, and 社会评价 with no return visit yet, manual
    assert [l["item"] for l in summary["assessment"]["lines"]] == [
        "服务体系", "制度执行", "服务效能", "信息互动", "社会评价", "举报投诉"]
    assert summary["assessment"]["manual_items"] == ["服务体系", "制度执行", "信息互动", "社会评价"]
    assert summary["completion"] == {"completed": 4, "at_window": 4, "cases": 0, "on_time": 4, "open_late": 0,
                                     "on_time_rate": 1.0}
    by_queue = helper.get("/api/v1/figures/services", params={"group": "queue", "period": "month"}).json()
    assert [(r["group"], r["waiting"]["count"]) for r in by_queue] == [("A 综合帮办", 4)]
    assert len(by_queue[0]["period"]) == 7  # 2026-11
    by_quarter = helper.get("/api/v1/figures/services", params={"group": "helper", "period": "quarter"}).json()
    assert by_quarter[0]["group"] == "刘䶮" and "-Q" in by_quarter[0]["period"]


def test_a_booked_citizen_s_early_hours_are_not_the_hall_s_waiting(live_server):
    """Checked in early, held until a minute ago, then called: the hall kept them waiting one
    minute, not the twenty since they came (the booked citizens' wait from slot start is its own
    figure)."""
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    helper = Api(live_server.url, live_server.helper_session(1, "1003"))
    issued = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    with live_server.database.write() as db:
        t = db.get(Ticket, issued["id"])
        db.execute(update(Ticket).where(Ticket.id == t.id).values(issued_at=t.issued_at - timedelta(minutes=20),
                                                                  rank_at=t.issued_at - timedelta(minutes=1)))
    called = helper.post("/api/v1/windows/1/call-next").json()
    assert called["id"] == issued["id"]
    waiting = helper.get("/api/v1/figures").json()["waiting"]
    assert waiting["count"] == 1 and waiting["mean_min"] == 1.0, waiting
