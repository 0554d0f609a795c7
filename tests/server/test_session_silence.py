"""A window terminal that stops being heard is signed out, judged alike by every server process.

Two server processes share one database, as ``--workers N`` or two machines behind one address
do: the terminal polls one, the display asks the other."""
from __future__ import annotations

import time

import requests

from tests.conftest import LiveServer, auth

SILENT_S = 5


def staffed(server: LiveServer, display: str) -> str | None:
    r = requests.get(server.url + "/api/v1/windows", headers=auth(display), timeout=10)
    assert r.status_code == 200, r.text
    helper = next(w for w in r.json() if w["number"] == 1)["helper"]
    return helper and helper["name"]


def test_a_polling_terminal_stays_signed_in_whichever_process_is_asked(tmp_path, database_url):
    env = {"BANGBAN_SESSION_SILENT_S": str(SILENT_S)}
    polled, asked = LiveServer(tmp_path, database_url, env=env), LiveServer(tmp_path, database_url, env=env, seed=False)
    polled.start()
    asked.start()
    try:
        session = polled.helper_session(1, code="1001")
        display = polled.device_token("display")
        assert staffed(asked, display) == "李明华"
        until = time.monotonic() + 2.5 * SILENT_S
        while time.monotonic() < until:  # the terminal's heartbeat reaches only the first process
            r = requests.get(polled.url + "/api/v1/windows/1/line", headers=auth(session), timeout=10)
            assert r.status_code == 200, r.text
            assert staffed(asked, display) == "李明华", "signed out by a process that did not hear the terminal"
            time.sleep(1)
        time.sleep(SILENT_S + 1)  # then the terminal dies
        assert staffed(asked, display) is None
        r = requests.get(polled.url + "/api/v1/windows/1/line", headers=auth(session), timeout=10)
        assert r.status_code == 401, "the expired session's token must stop working"
    finally:
        asked.close()
        polled.close()
