"""`bangban demo` on one machine: the server, the simulated printer and pads, the kiosk, a window
terminal and the display, all up from one command, placed on the screen it finds, a console that
says only what a person needs, and all gone when it is told to stop."""
import json
import re
import shutil
import subprocess
import sys
import time

import pytest
import requests

from kiosk.commands.demo import NATURAL_SIZE, arrange
from tests.conftest import free_port, x_display

PROGRAMS = ("kiosk.commands.cli server", "kiosk.commands.cli kiosk", "kiosk.commands.cli window", "kiosk.commands.cli display", "kiosk.commands.cli pad")
TITLES = {"kiosk": "帮办代办 自助取号", "window": "帮办代办 1 号窗口", "display": "帮办代办叫号大屏"}
CONSOLE_LINES = 20  # a screenful: where things are, who can sign in, how to rate


def running_children(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return out.splitlines()


def windows_on_screen(env: dict) -> dict[str, tuple[int, int, int, int]]:
    """Each terminal's window as the X server sees it (xwininfo, not our code): x, y, width, height."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, env=env).stdout
    found = {}
    for role, title in TITLES.items():
        match = re.search(rf'"{title}".*?\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', tree)
        if match:
            width, height, x, y = map(int, match.groups())
            found[role] = (x, y, width, height)
    return found


def run_demo(tmp_path, screen: str, until):
    """Start the demo on a screen of that size, wait for `until(env)` to hold, then type q."""
    port = free_port()
    with x_display(tmp_path / "kivy", screen) as env:
        # as in a person's shell: Kivy logs to the console (the demo sends it to its log file)
        env = {k: v for k, v in env.items() if k not in ("KIVY_NO_CONSOLELOG", "KIVY_NO_FILELOG", "KIVY_HOME")}
        env["HOME"] = str(tmp_path)
        demo = subprocess.Popen([sys.executable, "-m", "kiosk.commands.cli", "demo", "--data", str(tmp_path / "hall"),
                                 "--port", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        try:
            deadline = time.monotonic() + 120
            while not (result := until(env, port, demo)):
                assert demo.poll() is None, demo.communicate()
                assert time.monotonic() < deadline, "the demo never got there"
                time.sleep(0.5)
            output, errors = demo.communicate("q\n", timeout=60)
        finally:
            if demo.poll() is None:
                demo.kill()
    return demo, result, output, errors, port


def all_up(env, port, demo):
    children = running_children(demo.pid)
    return children if all(any(p in c for c in children) for p in PROGRAMS) else None


def test_one_command_brings_up_the_whole_hall_and_takes_it_down(tmp_path):
    def up_and_working(env, port, demo):
        children = all_up(env, port, demo)
        if not children or (shutil.which("xwininfo") and len(windows_on_screen(env)) < 3):
            return None
        tokens = json.loads((tmp_path / "hall" / "demo-tokens.json").read_text())
        issued = requests.post(f"http://127.0.0.1:{port}/api/v1/tickets", json={"queue_id": 1, "service_type": "help"},
                               headers={"Authorization": f"Bearer {tokens['kiosk']}"}, timeout=5)
        assert issued.status_code == 201, issued.text
        time.sleep(5)  # the terminals have started: none of them may have died on its config or fonts
        children = running_children(demo.pid)
        assert all(any(p in c for c in children) for p in PROGRAMS), children
        assert sum("kiosk.commands.cli pad" in c for c in children) == 2  # windows 1 and 2
        return children

    demo, _, output, errors, _ = run_demo(tmp_path, "1920x1080x24", up_and_working)
    assert demo.returncode == 0, output + errors
    assert "示范大厅已启动" in output and "Traceback" not in output + errors, output + errors
    time.sleep(0.5)
    assert running_children(demo.pid) == []
    left = subprocess.run(["pgrep", "-f", str(tmp_path / "hall")], capture_output=True, text=True).stdout
    assert left == "", f"processes of the demo left running: {left}"


def test_the_console_says_what_a_person_needs_and_the_log_has_the_rest(tmp_path):
    demo, _, output, errors, port = run_demo(tmp_path, "1920x1080x24", all_up)
    console = (output + errors).strip().splitlines()
    assert len(console) <= CONSOLE_LINES, "\n".join(console)
    text = "\n".join(console)
    log_path = tmp_path / "hall" / "demo.log"
    assert f"http://127.0.0.1:{port}/supervisor/" in text
    assert re.search(r"1001 \S+（chief）", text) and re.search(r"1002 \S+（coordinator）", text)
    assert "2468" in text and "246810" in text, "the kiosk's admin PIN and the helpers' PIN"
    assert "1–5" in text and str(log_path) in text, "how to rate, and where the log is"
    for noise in ("Network printer", "Closing Network", "Cutbuffer", "[INFO", "WARNING", "Traceback"):
        assert noise not in text, noise
    logged = log_path.read_text(encoding="utf-8")
    assert "[Kivy" in logged and "kiosk usable" in logged, "the programs' own output went to the log"
    assert "Network printer enabled" not in logged, "python-escpos's chatter is not even logged"
    if shutil.which("xclip"):  # install.sh installs it: Kivy's copy and paste then has what it needs
        assert "Cutbuffer" not in logged, "no clipboard tracebacks"


@pytest.mark.parametrize("width,height", [(1920, 1080), (1080, 1920)])
def test_arrange_fits_every_sizable_terminal_on_the_screen_without_overlap(width, height):
    everything = set(NATURAL_SIZE)
    layout = arrange(width, height, everything)
    boxes = list(layout.values())
    for box in boxes:
        assert 0 <= box.x and 0 <= box.y and box.x + box.width <= width and box.y + box.height <= height, box
        natural_w, natural_h = next(NATURAL_SIZE[r] for r, b in layout.items() if b is box)
        assert abs(box.width / box.height - natural_w / natural_h) < 0.01, "scaled, not stretched"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y


@pytest.mark.parametrize("screen", ["1920x1080x24", "1080x1920x24"])
def test_the_kiosk_and_window_terminal_fit_the_screen_the_demo_finds(tmp_path, screen):
    """As the X server places them. The display keeps 1920x1080 until `bangban display` takes
    --size; then it fits too (the demo asks every command that takes --size)."""
    if shutil.which("xwininfo") is None:
        pytest.skip("xwininfo is not installed (x11-utils; install.sh installs it)")
    width, height = (int(v) for v in screen.split("x")[:2])
    _, placed, *_ = run_demo(tmp_path, screen,
                             lambda env, port, demo: all_up(env, port, demo) and len(found := windows_on_screen(env)) == 3
                             and found)
    kiosk_x, kiosk_y, kiosk_w, kiosk_h = placed["kiosk"]
    assert 0 <= kiosk_x and 0 <= kiosk_y and kiosk_x + kiosk_w <= width and kiosk_y + kiosk_h <= height, placed
    assert kiosk_w / kiosk_h == pytest.approx(1080 / 1600, abs=0.01), "the kiosk is scaled, not cut"
    if width >= height:  # portrait: a 1280-wide terminal cannot fit a 1080-wide screen until it takes --size
        x, y, w, h = placed["window"]
        assert 0 <= x and 0 <= y and x + w <= width and y + h <= height, placed
        assert x >= kiosk_x + kiosk_w, "side by side, not over the kiosk"
