"""EventFollower against a real server: events in order, none missed across a server crash."""
from __future__ import annotations

import threading
import time

from kiosk.client import EventFollower


class Collected:
    def __init__(self):
        self.events: list[dict] = []
        self.states: list[bool] = []
        self.changed = threading.Condition()

    def on_event(self, event: dict) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def on_state(self, up: bool) -> None:
        with self.changed:
            self.states.append(up)
            self.changed.notify_all()

    def wait(self, test, timeout: float = 15.0) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: test(self), timeout), (self.states, self.events)

    def numbers(self, kind: str = "ticket.issued") -> list[str]:
        return [e["number"] for e in self.events if e["type"] == kind]


def test_follower_delivers_each_event_once_in_order(sqlite_server, kiosk_api, queue_ids):
    seen = Collected()
    with EventFollower(sqlite_server.url, sqlite_server.device_token("display"),
                       on_event=seen.on_event, on_state=seen.on_state):
        seen.wait(lambda s: s.states == [True])
        issued = [kiosk_api.issue_ticket(queue_id=queue_ids["A"])["number"] for _ in range(5)]
        seen.wait(lambda s: len(s.numbers()) == 5)
    assert seen.numbers() == issued
    ids = [e["id"] for e in seen.events]
    assert ids == sorted(set(ids))
    assert seen.events[-1]["waiting"] == 5 and seen.events[-1]["queue_id"] == queue_ids["A"]


def test_follower_resumes_after_a_server_crash_with_nothing_missed(sqlite_server, kiosk_api, queue_ids):
    seen = Collected()
    # a first retry slower than the server's restart and three tickets (a server starts in ~1.5 s, more under
    # load), so the events made just after the restart happen while the follower is away
    follower = EventFollower(sqlite_server.url, sqlite_server.device_token("display"),
                             on_event=seen.on_event, on_state=seen.on_state, backoff_s=(5.0, 5.0))
    with follower:
        seen.wait(lambda s: s.states == [True])
        before = [kiosk_api.issue_ticket(queue_id=queue_ids["A"])["number"] for _ in range(3)]
        seen.wait(lambda s: len(s.numbers()) == 3)

        sqlite_server.kill()
        seen.wait(lambda s: s.states == [True, False])
        sqlite_server.start()
        during = [kiosk_api.issue_ticket(queue_id=queue_ids["A"])["number"] for _ in range(3)]
        assert not follower.connected  # these happened while the follower was disconnected

        seen.wait(lambda s: s.states == [True, False, True] and len(s.numbers()) == 6)
        after = [kiosk_api.issue_ticket(queue_id=queue_ids["A"])["number"] for _ in range(2)]
        seen.wait(lambda s: len(s.numbers()) == 8)
        time.sleep(0.3)  # nothing more, nothing twice
    assert seen.numbers() == before + during + after
    assert follower.connections == 2 and follower.last_id == seen.events[-1]["id"]


def test_follower_started_from_a_known_id_replays_what_came_after(sqlite_server, kiosk_api, queue_ids):
    first = Collected()
    token = sqlite_server.device_token("display")
    with EventFollower(sqlite_server.url, token, on_event=first.on_event, on_state=first.on_state):
        first.wait(lambda s: s.states == [True])
        numbers = [kiosk_api.issue_ticket(queue_id=queue_ids["B"])["number"] for _ in range(4)]
        first.wait(lambda s: len(s.numbers()) == 4)
    later = Collected()
    with EventFollower(sqlite_server.url, token, on_event=later.on_event, last_id=first.events[1]["id"]):
        later.wait(lambda s: len(s.numbers()) == 2)
    assert later.numbers() == numbers[2:]


def test_follower_reports_disconnected_while_nothing_answers(unused_url):
    seen = Collected()
    follower = EventFollower(unused_url, "bbd_x", on_event=seen.on_event,
                             on_state=seen.on_state, backoff_s=(0.05, 0.1))
    with follower:
        time.sleep(0.5)
        assert not follower.connected and seen.states == [] and follower.connections == 0


def test_a_character_split_between_two_chunks_arrives_whole():
    """A real socket that sends one event in HTTP chunks cut inside 陈 and 𠮷 (3 and 4 bytes),
    pausing between them so the client reads each chunk on its own."""
    import json
    import socket

    body = ("id: 5\nevent: rating.requested\ndata: " + json.dumps(
        {"id": 5, "type": "rating.requested", "window": 3, "service_id": 9, "helper_name": "陈静 周𠮷"},
        ensure_ascii=False) + "\n\n").encode()
    first_cut = body.index("陈".encode()) + 1
    second_cut = body.index("𠮷".encode()) + 2
    pieces = [body[:first_cut], body[first_cut:second_cut], body[second_cut:]]
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)  # the request
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for piece in pieces:
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                time.sleep(0.2)
            time.sleep(2)  # hold the stream open while the test looks

    threading.Thread(target=serve, daemon=True).start()
    seen = Collected()
    with EventFollower(f"http://127.0.0.1:{port}", "bbd_x", on_event=seen.on_event, on_state=seen.on_state,
                       backoff_s=(5, 5)):
        seen.wait(lambda s: s.events, timeout=5)
    listener.close()
    assert seen.events[0]["helper_name"] == "陈静 周𠮷"
    assert seen.events[0]["id"] == 5


def test_why_the_stream_was_lost_is_a_client_error(sqlite_server):
    from kiosk.client import BadCredentials

    seen = Collected()
    follower = EventFollower(sqlite_server.url, "bbd_" + "n" * 43, on_event=seen.on_event,
                             on_state=seen.on_state, backoff_s=(0.05, 0.1))
    with follower:
        deadline = time.monotonic() + 5
        while follower.last_error is None and time.monotonic() < deadline:
            time.sleep(0.05)
    assert isinstance(follower.last_error, BadCredentials), follower.last_error
    assert follower.last_error.status == 401 and not follower.connected


def test_stop_ends_a_quiet_stream_at_once(sqlite_server):
    seen = Collected()
    follower = EventFollower(sqlite_server.url, sqlite_server.device_token("display"),
                             on_event=seen.on_event, on_state=seen.on_state).start()
    seen.wait(lambda s: s.states == [True])
    started = time.monotonic()
    follower.stop()
    assert not follower.running and time.monotonic() - started < 2  # not the 15 s keep-alive


def test_the_reconnect_policy_doubles_up_to_its_longest_and_starts_over_after_success():
    from kiosk.client import Backoff

    backoff = Backoff(1.0, 5.0)
    assert [backoff.failed() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    backoff.succeeded()
    assert backoff.failed() == 1.0
