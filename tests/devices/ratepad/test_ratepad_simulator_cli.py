"""`python -m devices.ratepad.simulator`: the virtual pad a person drives from a terminal."""

import subprocess
import sys

from devices.ratepad import Hello, KeyPress, PadState, RatePad


def test_cli_prints_the_port_and_presses_keys_typed_on_stdin(tmp_path, expect):
    link = tmp_path / "pad0"
    sim = subprocess.Popen([sys.executable, "-m", "devices.ratepad.simulator", "--link", str(link), "--heartbeat", "0.2"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert sim.stdout.readline().strip() == str(link)
        with RatePad(str(link)) as pad:
            expect(pad, PadState, where=lambda s: s.connected)
            expect(pad, Hello)
            pad.request_rating(9, 30)
            assert sim.stdout.readline().strip() == "亮灯：请对本次服务评价（30 秒内）"
            sim.stdin.write("4\n")
            sim.stdin.flush()
            press = expect(pad, KeyPress)
            assert press.score == 4
            pad.ack_key(press.seq)
            assert sim.stdout.readline().strip() == f"主机已收到第 {press.seq} 次按键"
            sim.stdin.write("u\n")
            sim.stdin.flush()
            expect(pad, PadState, where=lambda s: not s.connected)
        sim.stdin.write("q\n")
        sim.stdin.flush()
        assert sim.wait(5) == 0
        assert "RuntimeWarning" not in sim.stderr.read()
    finally:
        if sim.poll() is None:
            sim.kill()
            sim.wait()
