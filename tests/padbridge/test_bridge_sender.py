"""The bridge's sending rules against a small real HTTP peer on 127.0.0.1 that can fail on purpose.

The real server accepts one rating per finished service, so the order of a backlog, 5xx retries and
409 refusals are shown here against a peer that implements just the routes the bridge uses.
"""

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devices.ratepad import PadSettings, RatePad
from kiosk.client import ApiClient
from kiosk.domain.ratings import SCORE_NAMES
from kiosk.padbridge import BridgeSettings, Outbox, PadBridge
from kiosk.wire.answers import Rating


class Peer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, replies):
        super().__init__(("127.0.0.1", 0), Handler)
        self.replies = list(replies)  # status codes for successive rating posts; then 201
        self.received: list[dict] = []
        self.health: list[dict] = []
        self.auth: set[str] = set()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


def answered_rating(rating_id: int, body: dict) -> dict:
    """The server's answer to a press, as the wire defines it (the client checks answers against it)."""
    return Rating(id=rating_id, service_id=body.get("service_id") or rating_id, window_id=7, score=body["score"],
                  score_name=SCORE_NAMES[body["score"]], pad_seq=body["pad_seq"],
                  rated_at=datetime.now(timezone.utc).isoformat()).model_dump(mode="json")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _reply(self, status, body=None):
        data = json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # the event stream: not offered, the bridge keeps retrying it
        self._reply(503, {"error": {"code": "unavailable", "message": "维护中"}})

    def do_POST(self):
        peer: Peer = self.server
        peer.auth.add(self.headers.get("Authorization", ""))
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/api/v1/devices/health":
            peer.health.append(body)
            return self._reply(404, {"error": {"code": "not_found", "message": "没有这个接口"}})
        status = peer.replies.pop(0) if peer.replies else 201
        if status == 409:
            return self._reply(409, {"error": {"code": "nothing_to_rate", "message": "本窗口近 10 分钟内没有办结的服务，无法评价"}})
        if status >= 500:
            return self._reply(status, {"error": {"code": "down", "message": "数据库不可用"}})
        peer.received.append({"path": self.path, **body})
        self._reply(201, answered_rating(len(peer.received), body))


@pytest.fixture
def outbox(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        yield box


def run_bridge_on(peer, outbox, tmp_path):
    pad = RatePad(str(tmp_path / "no-pad-here"), PadSettings(reopen_min_s=0.05, reopen_max_s=0.2))
    return PadBridge(7, pad, ApiClient(peer.url, "pad-token", timeout=(2, 2)), outbox,
                     BridgeSettings(retry_min_s=0.05, retry_max_s=0.2)).start()


def test_backlog_goes_out_in_order_through_failures(tmp_path, outbox, until):
    # a restarted bridge finds ratings pressed while the server was away
    queued = [outbox.add(7, f"svc-{i}", score) for i, score in enumerate([5, 1, 3, 4])]
    peer = Peer([503, 502, 201, 500])
    bridge = run_bridge_on(peer, outbox, tmp_path)
    try:
        until(lambda: not outbox.pending(), what="backlog sent")
    finally:
        bridge.stop()
        peer.shutdown()
    assert [r["pad_seq"] for r in peer.received] == [r.pad_seq for r in queued]
    assert [r["score"] for r in peer.received] == [5, 1, 3, 4]
    assert {r["path"] for r in peer.received} == {"/api/v1/windows/7/ratings"}
    assert peer.auth == {"Bearer pad-token"}
    assert bridge.counters.send_failures >= 2


def test_409_is_dropped_and_logged_not_retried_forever(tmp_path, outbox, until):
    refused = outbox.add(7, "svc-old", 2)
    kept = outbox.add(7, "svc-new", 5)
    peer = Peer([409])
    bridge = run_bridge_on(peer, outbox, tmp_path)
    try:
        until(lambda: not outbox.pending(), what="outbox drained")
    finally:
        bridge.stop()
        peer.shutdown()
    assert [r["pad_seq"] for r in peer.received] == [kept.pad_seq]
    assert outbox.get(refused.pad_seq).drop_reason.startswith("HTTP 409")
    assert bridge.counters.refused == 1
    assert any(code == "rating_refused" and "无法评价" in msg for code, msg in bridge.counters.log)


def test_missing_pad_is_reported_once_and_404_health_route_is_tolerated(tmp_path, outbox, until):
    peer = Peer([])
    bridge = run_bridge_on(peer, outbox, tmp_path)
    try:
        until(lambda: peer.health, what="health report")
        until(lambda: not bridge.health_supported, what="404 noticed")
        outbox.add(7, "svc-1", 4)
        until(lambda: peer.received, what="rating still sent")
    finally:
        bridge.stop()
        peer.shutdown()
    assert peer.health == [{"component": "ratepad", "ok": False, "message": peer.health[0]["message"]}]
    assert "无法打开评价器串口" in peer.health[0]["message"]
