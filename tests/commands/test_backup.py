"""A backup taken while kiosks keep issuing restores every ticket issued before it began."""
import subprocess
import sys
import threading

import requests

from tests.conftest import LiveServer
from tests.server.api import Api


def bangban(*args):
    return subprocess.run([sys.executable, "-m", "kiosk.commands.cli", *args], capture_output=True, text=True, timeout=120)


def test_backup_under_load_then_restore(sqlite_server, tmp_path):
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    before = [kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json() for _ in range(30)]
    helper = Api(sqlite_server.url, sqlite_server.helper_session(1, "1003"))
    page = b"\xff\xd8\xff\xe0" + b"x" * 5000  # a captured page, so the documents are in the backup too
    requests.post(f"{sqlite_server.url}/api/v1/tickets/{before[0]['id']}/documents", data=page, timeout=5,
                  headers={"Authorization": f"Bearer {helper.token}", "Content-Type": "image/jpeg"})
    stop = threading.Event()
    during = []

    def keep_issuing():
        while not stop.is_set():
            during.append(kiosk.post("/api/v1/tickets", {"queue_id": 2, "service_type": "help"}).status_code)

    load = threading.Thread(target=keep_issuing)
    load.start()
    archive = tmp_path / "hall.tar.gz"
    try:
        made = bangban("backup", "--data", str(sqlite_server.data_dir), "--out", str(archive))
    finally:
        stop.set()
        load.join()
    assert made.returncode == 0, made.stderr
    assert during and set(during) == {201}, "the server kept issuing while the backup ran"

    restored_dir = tmp_path / "restored"
    assert bangban("restore", str(archive), "--data", str(restored_dir)).returncode == 0
    again = bangban("restore", str(archive), "--data", str(restored_dir))
    assert again.returncode == 2 and "--force" in again.stderr
    restored = LiveServer(restored_dir, None)
    restored.start()
    try:
        staff = Api(restored.url, restored.device_token("admin"))
        for ticket in before:
            got = staff.get(f"/api/v1/tickets/{ticket['id']}")
            assert got.status_code == 200 and got.json()["number"] == ticket["number"]
        pages = staff.get(f"/api/v1/tickets/{before[0]['id']}/documents").json()
        assert staff.get(f"/api/v1/documents/{pages[0]['id']}").content == page
    finally:
        restored.close()


def test_postgres_is_pointed_to_its_own_tools(tmp_path):
    result = bangban("backup", "--db", "postgresql+psycopg://postgres@127.0.0.1/x", "--data", str(tmp_path))
    assert result.returncode == 2 and "pg_dump" in result.stderr
