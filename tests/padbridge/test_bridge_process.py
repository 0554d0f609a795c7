"""`python -m kiosk.padbridge` as its own process: killed with a rating still queued, nothing is lost."""

import signal
import subprocess
import sys

from devices.ratepad import VirtualPad


def start_bridge(tmp_path, server, token):
    log = open(tmp_path / "bridge.log", "ab")
    return subprocess.Popen([sys.executable, "-m", "kiosk.padbridge", "--window", "1", "--port", str(tmp_path / "pad1"),
                             "--server", server.url, "--token", token, "--data", str(tmp_path)],
                            stdout=log, stderr=subprocess.STDOUT)


def test_killed_bridge_sends_its_queued_rating_after_restart(hall, tmp_path, until):
    server = hall.server
    with VirtualPad(str(tmp_path / "pad1"), heartbeat_s=0.2) as sim:
        bridge = start_bridge(tmp_path, server, hall.pad_token)
        try:
            until(lambda: [h["ok"] for h in hall.pad_health()] == [True], what="bridge up")
            hall.serve_one()
            assert sim.wait_until(lambda: sim.lit, timeout=10)
            server.stop()
            sim.press(2)
            assert sim.wait_until(lambda: not sim.unacked()), "press not acked: not stored"
            bridge.send_signal(signal.SIGKILL)  # a crash, with the rating only in the outbox
            bridge.wait()
            server.start()
            bridge = start_bridge(tmp_path, server, hall.pad_token)
            ((score, _),) = until(hall.ratings, timeout=15, what="rating sent by the restarted bridge")
            assert score == 2
            assert follow_up_opened(hall)
            bridge.send_signal(signal.SIGTERM)
            assert bridge.wait(10) == 0, (tmp_path / "bridge.log").read_text()
        finally:
            if bridge.poll() is None:
                bridge.kill()
                bridge.wait()
    assert "收到评价“不满意”" in (tmp_path / "bridge.log").read_text()


def follow_up_opened(hall):
    return [f for f in hall.follow_ups() if f["rating"]["score"] == 2]
