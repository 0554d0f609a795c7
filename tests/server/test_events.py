"""The event stream: ordered ids, resumable, nothing lost across a restart, every process sees every event."""
import json
import threading
import time

import requests

from tests.conftest import LiveServer
from tests.server.api import Api, read_events


def issue(server, kiosk_token, n, queue_id=1):
    k = Api(server.url, kiosk_token)
    return [k.post("/api/v1/tickets", {"queue_id": queue_id, "service_type": "help"}).json() for _ in range(n)]


def test_resume_after_a_server_restart_misses_nothing(live_server):
    display = live_server.device_token("display")
    kiosk = live_server.device_token("kiosk")
    issue(live_server, kiosk, 3)
    seen = read_events(live_server.url, display, after=0, count=3)
    assert [e["id"] for e in seen] == sorted(e["id"] for e in seen)
    live_server.kill()  # a crash, not a clean stop
    live_server.start()
    issued_after = issue(live_server, kiosk, 2)
    resumed = read_events(live_server.url, display, after=seen[-1]["id"], count=2)
    assert [e["number"] for e in resumed] == [t["number"] for t in issued_after]
    assert resumed[0]["id"] > seen[-1]["id"]


def test_a_live_client_receives_events_as_they_happen(sqlite_server):
    display = sqlite_server.device_token("display")
    kiosk = sqlite_server.device_token("kiosk")
    got: list = []
    reader = threading.Thread(target=lambda: got.extend(read_events(sqlite_server.url, display, count=4)))
    reader.start()
    time.sleep(0.5)  # the stream starts "now": wait until the reader is connected before issuing
    issue(sqlite_server, kiosk, 4)
    reader.join(10)
    assert [e["number"] for e in got] == ["A001", "A002", "A003", "A004"]


def test_other_halls_events_are_not_streamed(sqlite_server):
    village = Api(sqlite_server.url, sqlite_server.device_token("kiosk", hall="village"))
    county_kiosk = sqlite_server.device_token("kiosk")
    issue(sqlite_server, county_kiosk, 1)
    village_display = sqlite_server.device_token("display", hall="village")
    lines = []
    with requests.get(sqlite_server.url + "/api/v1/events", stream=True, timeout=2,
                      headers={"Authorization": f"Bearer {village_display}", "Last-Event-ID": "0"}) as r:
        try:
            for line in r.iter_lines(decode_unicode=True):
                lines.append(line)
        except requests.RequestException:  # the read timeout: the stream stayed open and silent
            pass
    assert lines[0] == "retry: 2000"
    assert not [line for line in lines if line.startswith("data:")]
    assert village.get("/api/v1/queues/waiting").json() == []


def test_bad_last_event_id_is_a_clear_error(sqlite_server):
    r = requests.get(sqlite_server.url + "/api/v1/events", timeout=5,
                     headers={"Authorization": f"Bearer {sqlite_server.device_token('display')}",
                              "Last-Event-ID": "abc"})
    assert r.status_code == 400 and "Last-Event-ID" in r.json()["error"]["message"]


def test_every_worker_process_sees_every_event_on_postgres(tmp_path, postgres_db):
    db = postgres_db
    server = LiveServer(tmp_path, db.url, workers=2)
    try:
        server.start()
        display = server.device_token("display")
        streams, pids = [], set()
        deadline = time.monotonic() + 20  # the second worker may still be starting
        while len(pids) < 2 and time.monotonic() < deadline:
            # connections land on whichever worker accepts first; keep one from each process
            r = requests.get(server.url + "/api/v1/events", stream=True, timeout=10,
                             headers={"Authorization": f"Bearer {display}"})
            if r.headers["X-Served-By"] in pids:
                r.close()
                time.sleep(0.05)
                continue
            pids.add(r.headers["X-Served-By"])
            streams.append(r)
        assert len(pids) == 2, "could not reach both workers"
        issue(server, server.device_token("kiosk"), 3)
        for r in streams:
            numbers = []
            for line in r.iter_lines(decode_unicode=True):
                if line.startswith("data:") and "stream.position" not in line:
                    numbers.append(json.loads(line[5:])["number"])
                    if len(numbers) == 3:
                        break
            r.close()
            assert numbers == ["A001", "A002", "A003"]
    finally:
        server.close()


def test_database_away_then_back_loses_nothing(tmp_path, postgres_db):
    import psycopg

    db = postgres_db
    server = LiveServer(tmp_path, db.url)
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"

    def block(allow: bool):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{db.name}" ALLOW_CONNECTIONS {str(allow).lower()}')
            if not allow:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (db.name,))
    try:
        server.start()
        kiosk = Api(server.url, server.device_token("kiosk"))
        before = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
        block(False)
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 503
        down = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"},
                          headers={"Idempotency-Key": "retry-me"})
        assert down.status_code == 503 and "数据库" in down.json()["error"]["message"]
        block(True)
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
        retried = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"},
                             headers={"Idempotency-Key": "retry-me"})
        assert retried.status_code == 201 and retried.json()["number"] == "A002"
        assert kiosk.get("/api/v1/queues/waiting").json()[0]["waiting"] == 2
        assert before["number"] == "A001"
    finally:
        server.close()
        block(True)


def test_signing_in_and_out_is_announced_for_the_display(sqlite_server):
    display = sqlite_server.device_token("display")
    token = sqlite_server.helper_session(4, "1003")
    sqlite_server.helper_session(6, "1003")  # the same helper moves on to window 6
    requests.delete(sqlite_server.url + "/api/v1/sessions/current", timeout=5,
                    headers={"Authorization": f"Bearer {token}"})  # already ended: refused
    events = read_events(sqlite_server.url, display, after=0, count=3)
    assert [(e["window"], (e["helper"] or {}).get("name")) for e in events] == [(4, "刘䶮"), (4, None), (6, "刘䶮")]


def test_a_client_starting_from_now_is_told_where_now_is(sqlite_server):
    kiosk = sqlite_server.device_token("kiosk")
    display = sqlite_server.device_token("display")
    issue(sqlite_server, kiosk, 2)
    time.sleep(0.3)  # let the server's event pump see them
    with requests.get(sqlite_server.url + "/api/v1/events", stream=True, timeout=5,
                      headers={"Authorization": f"Bearer {display}"}) as r:
        lines = iter(r.iter_lines(decode_unicode=True))
        assert next(lines) == "retry: 2000" and next(lines) == ""
        assert next(lines) == "id: 2" and next(lines) == "event: stream.position"
    issued = issue(sqlite_server, kiosk, 1)  # while this display was away
    resumed = read_events(sqlite_server.url, display, after=2, count=1)
    assert resumed[0]["number"] == issued[0]["number"]
