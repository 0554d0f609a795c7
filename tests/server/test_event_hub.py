"""The event hub hands a commit's events to the streams itself, and still reads the log for
what other processes write; a client leaving is no error."""
import threading
import time

from sqlalchemy import insert, select

from kiosk.server.auth import token_hash
from kiosk.server.models import Device, Event, EventOutbox
from kiosk.server.timeutil import utcnow
from tests.server.api import Api, read_events


def test_events_another_process_writes_reach_the_streams_in_order(sqlite_server):
    """A command-line tool writing to the hall's SQLite file is another process: the server
    has not seen its event, so the one it commits next is not handed on before the log is read."""
    staff = sqlite_server.device_token("admin")  # sees every type; a display, only the calls
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    got: list = []
    reader = threading.Thread(target=lambda: got.extend(read_events(sqlite_server.url, staff, count=3)))
    reader.start()
    time.sleep(0.5)  # connected: the stream starts from now
    assert kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).status_code == 201
    with sqlite_server.database.write() as db:  # not the server's process
        hall_id = db.scalar(select(Device.hall_id).where(Device.token_hash == token_hash(kiosk.token)))
        db.execute(insert(Event).values(hall_id=hall_id, type="notice.posted", at=utcnow(),
                                        data={"text": "窗口 3 暂停服务"}))
    assert kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).status_code == 201
    reader.join(10)
    assert [e["type"] for e in got] == ["ticket.issued", "notice.posted", "ticket.issued"]
    assert [e["id"] for e in got] == sorted(e["id"] for e in got)


def test_a_display_leaving_is_not_an_error(sqlite_server):
    """A stream waiting for news is cancelled when its client goes; that must not log a failure."""
    display = sqlite_server.device_token("display")
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    readers = [threading.Thread(target=read_events, args=(sqlite_server.url, display),
                                kwargs={"count": 1}) for _ in range(5)]
    for r in readers:
        r.start()
    time.sleep(0.5)
    kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})
    for r in readers:
        r.join(10)  # each read its event and hung up
    time.sleep(0.5)
    kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})  # news for nobody
    time.sleep(0.5)
    log = (sqlite_server.data_dir / "server.log").read_text(errors="replace")
    assert "Exception in ASGI application" not in log and "Traceback" not in log, log[-3000:]


def test_postgres_outbox_events_a_process_left_behind_are_moved_and_streamed(tmp_path, postgres_db):
    """A server that died between its commit and its sequencer's round left its events in the
    outbox: the next server to start (or a running one, within seconds) gives them their ids."""
    from tests.conftest import LiveServer

    server = LiveServer(tmp_path, postgres_db.url)
    try:
        kiosk_token, staff = server.device_token("kiosk"), server.device_token("admin")  # sees every type
        with server.database.write() as db:
            hall_id = db.scalar(select(Device.hall_id).where(Device.token_hash == token_hash(kiosk_token)))
            db.execute(insert(EventOutbox).values(hall_id=hall_id, type="notice.posted", at=utcnow(),
                                                  data={"text": "停电后恢复"}))
        server.start()
        assert [e["type"] for e in read_events(server.url, staff, after=0, count=1)] == ["notice.posted"]
        with server.database.write() as db:  # while it runs, from outside it
            db.execute(insert(EventOutbox).values(hall_id=hall_id, type="notice.posted", at=utcnow(),
                                                  data={"text": "窗口 3 暂停服务"}))
        late = read_events(server.url, staff, after=0, count=2, timeout=15)
        assert [e["text"] for e in late] == ["停电后恢复", "窗口 3 暂停服务"]
    finally:
        server.close()


def test_postgres_a_commit_is_sequenced_at_once_not_at_the_sweep(tmp_path, postgres_db):
    """The sweep that moves a dead process's outbox runs every 5 s; a live commit must not wait for it."""
    from kiosk.server.events import EventHub
    from tests.conftest import LiveServer

    server = LiveServer(tmp_path, postgres_db.url)
    server.start()
    try:
        display = server.device_token("display")
        kiosk = Api(server.url, server.device_token("kiosk"))
        got: list = []
        reader = threading.Thread(target=lambda: got.extend(read_events(server.url, display, count=1)))
        reader.start()
        time.sleep(0.5)
        issued = time.monotonic()
        assert kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).status_code == 201
        reader.join(10)
        assert got and got[0]["type"] == "ticket.issued"
        assert time.monotonic() - issued < EventHub.SWEEP_S / 2
    finally:
        server.close()
