"""The server tells systemd it is ready, then keeps its watchdog fed while the database answers."""
import os
import socket
import subprocess
import sys
import time

from tests.conftest import free_port


def test_ready_then_watchdog_over_the_notify_socket(tmp_path):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(20)
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"}
    server = subprocess.Popen([sys.executable, "-m", "kiosk.commands.cli", "server", "--data", str(tmp_path),
                               "--port", str(free_port())], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        messages = []
        deadline = time.monotonic() + 20
        while messages.count("WATCHDOG=1") < 2 and time.monotonic() < deadline:
            messages.append(sock.recv(100).decode())
        assert messages[0] == "READY=1" or "READY=1" in messages
        assert messages.count("WATCHDOG=1") >= 2
    finally:
        server.terminate()
        server.wait(10)
        sock.close()


def test_the_pad_bridge_reports_ready_and_feeds_its_watchdog(tmp_path, sqlite_server):
    from devices.ratepad.simulator import VirtualPad

    path = str(tmp_path / "pad-notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(20)
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000",
           "BANGBAN_TOKEN": sqlite_server.device_token("pad", window=1)}
    with VirtualPad(str(tmp_path / "pad")) as pad:
        bridge = subprocess.Popen([sys.executable, "-m", "kiosk.commands.cli", "pad", "--window", "1", "--port", pad.path,
                                   "--server", sqlite_server.url, "--data", str(tmp_path)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            messages = [sock.recv(100).decode() for _ in range(3)]
            assert messages == ["READY=1", "WATCHDOG=1", "WATCHDOG=1"]
        finally:
            bridge.terminate()
            bridge.wait(10)
            sock.close()
