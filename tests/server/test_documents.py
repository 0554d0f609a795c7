"""Captured pages: uploaded once, kept whole, readable only by the hall's staff, every read audited."""
import hashlib

import requests
from sqlalchemy import select

from kiosk.server.models import AuditEntry
from tests.server.api import Api

JPEG = b"\xff\xd8\xff\xe0" + b"page-of-a-scanned-id-card" * 100


def upload(server, token, ticket_id, body=JPEG, kind="image/jpeg", key=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": kind}
    if key:
        headers["Idempotency-Key"] = key
    return requests.post(f"{server.url}/api/v1/tickets/{ticket_id}/documents", data=body, headers=headers, timeout=10)


def test_pages_upload_once_and_read_back_whole_with_each_read_audited(live_server):
    kiosk = live_server.device_token("kiosk")
    ticket = Api(live_server.url, kiosk).post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    first = upload(live_server, kiosk, ticket["id"], key="page-1")
    assert first.status_code == 201 and first.json()["page"] == 1
    assert first.json()["sha256"] == hashlib.sha256(JPEG).hexdigest()
    retry = upload(live_server, kiosk, ticket["id"], key="page-1")  # the kiosk's retry after a timeout
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    assert upload(live_server, kiosk, ticket["id"], body=b"%PDF-1.7 two", kind="application/pdf",
                  key="page-2").json()["page"] == 2

    helper = Api(live_server.url, live_server.helper_session(1, "1003"))
    listed = helper.get(f"/api/v1/tickets/{ticket['id']}/documents").json()
    assert [d["page"] for d in listed] == [1, 2]
    page = helper.get(f"/api/v1/documents/{listed[0]['id']}")
    assert page.status_code == 200 and page.content == JPEG and page.headers["content-type"] == "image/jpeg"
    with live_server.database.read() as db:
        reads = db.scalars(select(AuditEntry).where(AuditEntry.action == "document.read")).all()
    assert len(reads) == 1 and reads[0].detail["page"] == 1 and reads[0].helper_id is not None


def test_who_may_upload_and_read(sqlite_server):
    kiosk = sqlite_server.device_token("kiosk")
    other_kiosk = sqlite_server.device_token("kiosk")
    ticket = Api(sqlite_server.url, kiosk).post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    assert upload(sqlite_server, other_kiosk, ticket["id"]).status_code == 403
    doc = upload(sqlite_server, kiosk, ticket["id"]).json()
    assert Api(sqlite_server.url, kiosk).get(f"/api/v1/documents/{doc['id']}").status_code == 403
    village_staff = Api(sqlite_server.url, sqlite_server.device_token("admin", hall="village"))
    assert village_staff.get(f"/api/v1/documents/{doc['id']}").status_code == 404
    city_staff = Api(sqlite_server.url, sqlite_server.device_token("admin", hall="city"))
    assert city_staff.get(f"/api/v1/documents/{doc['id']}").status_code == 404  # the ticket's own hall only


def test_bad_uploads_are_refused_and_leave_nothing(sqlite_server):
    kiosk = sqlite_server.device_token("kiosk")
    ticket = Api(sqlite_server.url, kiosk).post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    assert upload(sqlite_server, kiosk, ticket["id"], body=b"GIF89a", kind="image/gif").status_code == 415
    mismatch = upload(sqlite_server, kiosk, ticket["id"], body=b"not a jpeg")
    assert mismatch.status_code == 422 and "类型不符" in mismatch.json()["error"]["message"]
    huge = upload(sqlite_server, kiosk, ticket["id"], body=b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024))
    assert huge.status_code == 413 and "10 MB" in huge.json()["error"]["message"]
    assert upload(sqlite_server, kiosk, 999999).status_code == 404
    assert not (sqlite_server.data_dir / "documents").exists()


def test_pages_sent_at_once_stop_at_the_limit_each_with_its_own_number(live_server):
    """Two kiosks' uploads racing for the last pages: each page its own number, none past the limit."""
    from concurrent.futures import ThreadPoolExecutor

    kiosk = live_server.device_token("kiosk")
    ticket = Api(live_server.url, kiosk).post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    for _ in range(24):
        assert upload(live_server, kiosk, ticket["id"]).status_code == 201
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda i: upload(live_server, kiosk, ticket["id"], key=f"racing-{i}"), range(12)))
    assert sorted(a.status_code for a in answers) == [201] * 6 + [413] * 6, [a.text for a in answers]
    helper = Api(live_server.url, live_server.helper_session(1, "1003"))
    pages = [d["page"] for d in helper.get(f"/api/v1/tickets/{ticket['id']}/documents").json()]
    assert pages == list(range(1, 31))
