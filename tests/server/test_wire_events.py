"""What the event stream carries is what ``kiosk.wire.events`` defines, on SQLite (the Python
path) and on PostgreSQL (the database functions where they answer): every event of a hall's
visit parses as its type's model, and the model gives back the very payload sent."""
import json

import requests

from kiosk.wire.events import PAYLOADS, Envelope, parse
from tests.conftest import auth
from tests.server.api import Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def stream_until_quiet(base: str, token: str, quiet_s: float = 3.0) -> list[dict]:
    """Every event from the start of the log, until the stream has been silent for ``quiet_s``."""
    events = []
    headers = {**auth(token), "Last-Event-ID": "0"}
    with requests.get(base + "/api/v1/events", headers=headers, stream=True, timeout=(5, quiet_s)) as resp:
        assert resp.status_code == 200, resp.text
        kind = None
        try:
            for line in resp.iter_lines(decode_unicode=True):
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    body = json.loads(line[5:].strip())
                    assert body["type"] == kind
                    events.append(body)
        except requests.RequestException:  # silent for quiet_s: everything so far has come
            pass
    return events


def a_visit(server) -> None:
    kiosk = Api(server.url, server.device_token("kiosk"))
    first = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help", "priority_group": "elderly",
                                   "phone": "13800138000"})
    assert requests.post(f"{server.url}/api/v1/tickets/{first['id']}/documents", data=PNG, timeout=10,
                         headers={**auth(kiosk.token), "Content-Type": "image/png"}).status_code == 201
    chief = Api(server.url, server.helper_session(1, "1001"))
    other = Api(server.url, server.helper_session(2, "1002"))
    pad = Api(server.url, server.device_token("pad", 1))
    called = chief.post("/api/v1/windows/1/call-next").json()
    for step in ("recall", "start"):
        assert chief.post(f"/api/v1/tickets/{called['id']}/{step}").status_code == 200
    assert chief.post(f"/api/v1/tickets/{called['id']}/finish", {"outcome": "done", "log": "𠮷"}).status_code == 200
    assert pad.post("/api/v1/windows/1/ratings", {"score": 1, "pad_seq": 1}).status_code == 201
    follow_up = chief.get("/api/v1/follow-ups").json()[0]
    assert chief.post(f"/api/v1/follow-ups/{follow_up['id']}/close", {"note": "已回访"}).status_code == 200
    moved = chief.post("/api/v1/windows/1/call-next").json()
    assert chief.post(f"/api/v1/tickets/{moved['id']}/transfer", {"to_window": 2, "note": "转"}).status_code == 200
    again = other.post("/api/v1/windows/2/call-next").json()
    assert other.post(f"/api/v1/tickets/{again['id']}/no-show").status_code == 200


def test_every_event_of_a_visit_is_its_model(live_server):
    a_visit(live_server)
    events = stream_until_quiet(live_server.url, live_server.helper_session(3, "1003"))
    seen = set()
    for body in events:
        envelope = Envelope.model_validate(body)
        payload = {k: v for k, v in body.items() if k not in Envelope.model_fields}
        parsed = parse(envelope.type, payload)
        assert parsed is not None, f"{envelope.type} has no model"
        assert parsed.model_dump(mode="json", exclude_unset=True) == payload, envelope.type
        seen.add(envelope.type)
    assert seen == {"ticket.issued", "document.added", "window.staffed", "ticket.called", "ticket.recalled",
                    "ticket.started", "ticket.finished", "rating.requested", "rating.recorded", "followup.opened",
                    "followup.closed", "ticket.transferred", "ticket.no_show"}
    assert seen < set(PAYLOADS)


def test_an_unknown_event_type_is_left_to_the_caller():
    assert parse("ticket.teleported", {"ticket_id": 1}) is None
