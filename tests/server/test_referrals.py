"""Referrals one level up or down: the ticket ends here as referred, the other hall answers."""
from tests.server.api import Api


def served_ticket(server):
    kiosk = Api(server.url, server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    helper = Api(server.url, server.helper_session(1, "1003"))
    helper.post("/api/v1/windows/1/call-next")
    return ticket, helper


def test_refer_down_to_the_township_which_accepts_and_closes(live_server):
    ticket, helper = served_ticket(live_server)
    neighbours = helper.get("/api/v1/halls/neighbours").json()
    assert [(h["code"], h["relation"]) for h in neighbours] == [("city", "parent"), ("township", "child")]
    referred = helper.post("/api/v1/referrals", {"ticket_id": ticket["id"], "to_hall": "township",
                                                 "note": "需街道核实户籍"})
    assert referred.status_code == 201 and referred.json()["status"] == "open"
    assert helper.get(f"/api/v1/tickets/{ticket['id']}").json()["outcome"] == "referred"
    township = Api(live_server.url, live_server.device_token("admin", hall="township"))
    incoming = township.get("/api/v1/referrals", params={"direction": "in"}).json()
    assert [(r["number"], r["helper"]["name"]) for r in incoming] == [(ticket["number"], "刘䶮")]
    rid = incoming[0]["id"]
    assert helper.post(f"/api/v1/referrals/{rid}/accept").status_code == 403  # the sender cannot answer
    assert township.post(f"/api/v1/referrals/{rid}/accept").json()["status"] == "accepted"
    closed = township.post(f"/api/v1/referrals/{rid}/close", {"result": "已核实，材料齐全"}).json()
    assert closed["status"] == "closed"
    assert helper.get("/api/v1/referrals", params={"direction": "out"}).json()[0]["result"] == "已核实，材料齐全"


def test_only_a_neighbouring_level_and_only_a_held_ticket(sqlite_server):
    ticket, helper = served_ticket(sqlite_server)
    skip = helper.post("/api/v1/referrals", {"ticket_id": ticket["id"], "to_hall": "village", "note": "x"})
    assert skip.status_code == 422 and "上一级或下一级" in skip.json()["error"]["message"]
    other = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    stolen = other.post("/api/v1/referrals", {"ticket_id": ticket["id"], "to_hall": "city", "note": "x"})
    assert stolen.status_code == 409
