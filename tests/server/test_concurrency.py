"""8 kiosks and 8 windows at once: every ticket issued once, numbered once, called once."""
import threading
from collections import Counter

from sqlalchemy import func, select

from kiosk.server.models import Service, Ticket
from tests.server.api import Api

KIOSKS, WINDOWS, PER_KIOSK = 8, 8, 25
HELPERS = ["1003", "1006", "1008", "1004", "1005", "1007", "1009", "1010"]


def test_eight_kiosks_and_eight_windows_at_once(live_server):
    kiosk_tokens = [live_server.device_token("kiosk") for _ in range(KIOSKS)]
    sessions = [live_server.helper_session(n, HELPERS[n - 1]) for n in range(1, WINDOWS + 1)]
    issued, called, errors = [], [], []
    kiosks_done = threading.Event()
    start = threading.Barrier(KIOSKS + WINDOWS)

    def kiosk(i):
        api = Api(live_server.url, kiosk_tokens[i])
        start.wait()
        for n in range(PER_KIOSK):
            r = api.post("/api/v1/tickets", {"queue_id": 1 + (i + n) % 8, "service_type": "help"})
            (issued if r.status_code == 201 else errors).append(r.json() if r.status_code == 201 else r.text)

    def window(number):
        api = Api(live_server.url, sessions[number - 1])
        start.wait()
        while True:
            r = api.post(f"/api/v1/windows/{number}/call-next")
            if r.status_code == 204:
                if kiosks_done.is_set():
                    return
                continue
            if r.status_code != 200:
                errors.append(r.text)
                return
            ticket = r.json()
            called.append(ticket["id"])
            done = api.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done"})
            if done.status_code != 200:
                errors.append(done.text)

    kiosk_threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(KIOSKS)]
    window_threads = [threading.Thread(target=window, args=(n,)) for n in range(1, WINDOWS + 1)]
    for t in kiosk_threads + window_threads:
        t.start()
    for t in kiosk_threads:
        t.join(120)
    kiosks_done.set()
    for t in window_threads:
        t.join(120)

    assert errors == []
    assert len(issued) == KIOSKS * PER_KIOSK
    numbers = Counter(t["number"] for t in issued)
    assert max(numbers.values()) == 1, "a number was issued twice"
    for prefix in "ABCDEFGH":  # each queue's numbers are 001.. with no gaps
        seqs = sorted(int(n[1:]) for n in numbers if n[0] == prefix)
        assert seqs == list(range(1, len(seqs) + 1))
    assert Counter(called) == Counter(t["id"] for t in issued), "a ticket was called twice or never"
    with live_server.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Service)) == len(issued)
        assert db.scalar(select(func.count()).select_from(Ticket).where(Ticket.status != "finished")) == 0
