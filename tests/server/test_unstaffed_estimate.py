"""A ticket for a queue no staffed window serves: issued (the helpers' rules decide that), but its
answer says that nobody can call it now, on SQLite and on PostgreSQL's fast path alike."""
from tests.server.api import Api

E_QUEUE, C_QUEUE = 5, 3  # the demo hall: 公安户政 (window 6 only), 企业开办 (windows 3 and 4)


def test_a_ticket_nobody_can_call_says_so_and_a_staffed_one_counts_its_windows(live_server):
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    live_server.helper_session(3, code="1008")  # window 3 staffed; window 6 is not

    unstaffed = kiosk.post("/api/v1/tickets", {"queue_id": E_QUEUE, "service_type": "help"})
    staffed = kiosk.post("/api/v1/tickets", {"queue_id": C_QUEUE, "service_type": "help"})

    assert unstaffed.status_code == 201, unstaffed.text
    assert unstaffed.json()["number"] == "E001"
    assert unstaffed.json()["staffed_windows"] == 0
    assert unstaffed.json()["estimated_wait_s"] == 0  # the old field stays as it was, for old clients
    assert staffed.json()["staffed_windows"] == 1

    staff = Api(live_server.url, live_server.helper_session(4, code="1009"))
    again = staff.get(f"/api/v1/tickets/{unstaffed.json()['id']}").json()  # the staff view of a waiting ticket
    assert again["staffed_windows"] == 0
