"""A matter or queue the hall retired (停用) while a kiosk still showed it: the kiosk's next ticket
for it is refused in plain Chinese, on SQLite and on PostgreSQL's fast path alike."""
from sqlalchemy import update

from kiosk.server.models import Matter, Queue
from kiosk.server.timeutil import utcnow
from tests.server.api import Api


def test_no_ticket_for_a_retired_matter_or_queue(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    catalog = kiosk.get("/api/v1/catalog").json()
    matter = catalog["matters"][0]
    other_queue = next(q for q in catalog["queues"] if q["id"] != matter["queue_id"])
    assert kiosk.post("/api/v1/tickets", {"matter_id": matter["id"], "service_type": "help"}).status_code == 201
    with live_server.database.write() as db:
        db.execute(update(Matter).where(Matter.id == matter["id"]).values(retired_at=utcnow()))
        db.execute(update(Queue).where(Queue.id == other_queue["id"]).values(retired_at=utcnow()))
    for body, what in (({"matter_id": matter["id"], "service_type": "help"}, "事项"),
                       ({"queue_id": other_queue["id"], "service_type": "help"}, "队列")):
        refused = kiosk.post("/api/v1/tickets", body)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["message"] == f"该{what}已停用，请返回首页重新选择"
