"""`bangban demo` on one machine: the server, the simulated printer and pads, the kiosk, a window
terminal and the display, all up from one command, and all gone when it is told to stop."""
import json
import subprocess
import sys
import time

import requests

from tests.conftest import free_port, x_display

PROGRAMS = ("kiosk.cli server", "kiosk.cli kiosk", "kiosk.cli window", "kiosk.cli display", "kiosk.cli pad")


def running_children(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return out.splitlines()


def test_one_command_brings_up_the_whole_hall_and_takes_it_down(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with x_display(tmp_path / "kivy", "1920x1080x24", 700) as env:
        demo = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "demo", "--data", str(tmp_path / "hall"),
                                 "--port", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                children = running_children(demo.pid)
                if all(any(p in c for c in children) for p in PROGRAMS):
                    break
                assert demo.poll() is None, demo.stdout.read()
                time.sleep(0.5)
            assert all(any(p in c for c in children) for p in PROGRAMS), children
            assert sum("kiosk.cli pad" in c for c in children) == 2  # windows 1 and 2
            tokens = json.loads((tmp_path / "hall" / "demo-tokens.json").read_text())
            issued = requests.post(f"{url}/api/v1/tickets", json={"queue_id": 1, "service_type": "help"},
                                   headers={"Authorization": f"Bearer {tokens['kiosk']}"}, timeout=5)
            assert issued.status_code == 201, issued.text
            time.sleep(5)  # the terminals have started: none of them may have died on its config or fonts
            children = running_children(demo.pid)
            assert all(any(p in c for c in children) for p in PROGRAMS), children
            demo.stdin.write("q\n")
            demo.stdin.flush()
            code = demo.wait(30)
            output = demo.stdout.read()
            assert code == 0, output
            assert "示范大厅已启动" in output and "Traceback" not in output, output
        finally:
            if demo.poll() is None:
                demo.kill()
    time.sleep(0.5)
    assert running_children(demo.pid) == []
    left = subprocess.run(["pgrep", "-f", str(tmp_path / "hall")], capture_output=True, text=True).stdout
    assert left == "", f"processes of the demo left running: {left}"
