"""A virtual rating pad on a pty pair, reachable the way a real one is: by a serial port path.

The pad lives on the pty's master side; the host opens the slave through a stable symlink
(`sim.path`). Unplugging closes the pty (the host's reads fail, as with a pulled USB cable) and
removes the symlink; replugging makes a new pty and points the same symlink at it.

    python -m devices.ratepad.simulator [--link /tmp/pad0] [--simple ascii]

prints the path to give the bridge, then reads commands from stdin: 1..5 press a key,
u unplug, p replug, r reboot, q quit.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import sys
import tempfile
import threading
import time
import tty

from . import protocol as p


class VirtualPad:
    def __init__(
        self,
        path: str | None = None,
        *,
        simple_key_map: dict[int, int] | None = None,
        heartbeat_s: float = 1.0,
        resend_s: float = 0.5,
        firmware: str = "BB-PAD-SIM 1.0",
    ):
        if path is None:
            self._tmpdir = tempfile.mkdtemp(prefix="ratepad-")
            path = os.path.join(self._tmpdir, "pad0")
        self.path = path
        self.simple_key_map = simple_key_map
        self.heartbeat_s = heartbeat_s
        self.resend_s = resend_s
        self.firmware = firmware
        self.boot_id = random.randrange(0x10000)
        # what the host told us, for tests and the CLI
        self.lit = False
        self._lit_until = 0.0
        self.request: p.RequestRating | None = None
        self.shown: p.Show | None = None
        self.received: list[p.Message] = []
        self.on_message = None  # optional callback(msg), used by the CLI
        self._seq = 0
        self._unacked: dict[int, tuple[p.KeyPress, float]] = {}
        self._master: int | None = None
        self._retired: list[int] = []  # unplugged fds, closed by the firmware thread
        self._slave: int | None = None
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- lifecycle --------------------------------------------------------

    def start(self) -> "VirtualPad":
        self.replug()
        self._thread = threading.Thread(target=self._run, name="virtual ratepad", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.unplug()
        self._close_retired()

    def __enter__(self) -> "VirtualPad":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def unplug(self) -> None:
        with self._lock:
            self.lit = False  # a USB-powered pad loses power with its cable
            fds = [fd for fd in (self._master, self._slave) if fd is not None]
            self._master = self._slave = None
            if os.path.islink(self.path):
                os.unlink(self.path)
            if self._thread is not None and self._thread.is_alive():
                # The firmware thread may be in select() on the master right now. Closing it here would
                # free the fd number for reuse (by a socket, say) under that thread's feet: let it close them.
                self._retired += fds
            else:
                for fd in fds:
                    os.close(fd)

    def _close_retired(self) -> None:
        with self._lock:
            retired, self._retired = self._retired, []
        for fd in retired:
            os.close(fd)

    def replug(self) -> None:
        with self._lock:
            if self.plugged:
                return
            master, slave = os.openpty()
            tty.setraw(slave)  # no echo, no newline translation: the line carries bytes, not text
            os.set_blocking(master, False)
            # Keep our own slave fd open, so the master never sees a hangup while the host reopens.
            self._master, self._slave = master, slave
            tmp = f"{self.path}.{os.getpid()}.tmp"
            os.symlink(os.ttyname(slave), tmp)
            os.replace(tmp, self.path)
            self._write(p.encode(p.Hello(self.boot_id, self.firmware)))

    def reboot(self) -> None:
        """Power-cycle: new boot id, key sequence back to 0, unacked keys lost."""
        with self._lock:
            self.boot_id = (self.boot_id + 1 + random.randrange(0xFFFF)) & 0xFFFF
            self._seq = 0
            self._unacked.clear()
            self.lit = False
            self._write(p.encode(p.Hello(self.boot_id, self.firmware)))

    # ---- the person at the pad -------------------------------------------

    def press(self, score: int) -> int:
        """Press the key for `score` (5 非常满意 .. 1 非常不满意). Returns the KEY's seq (framed pads)."""
        with self._lock:
            self.lit = False
            if self.simple_key_map is not None:
                byte = next(b for b, s in self.simple_key_map.items() if s == score)
                self._write(bytes([byte]))
                return 0
            self._seq = (self._seq + 1) & 0xFFFF
            key = p.KeyPress(self._seq, score)
            self._unacked[key.seq] = (key, time.monotonic())
            self._write(p.encode(key))
            return key.seq

    def send_garbage(self, data: bytes) -> None:
        with self._lock:
            self._write(data)

    def unacked(self) -> list[int]:
        with self._lock:
            return sorted(self._unacked)

    def wait_until(self, predicate, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.05))
        return True

    # ---- the pad's firmware loop -----------------------------------------

    def _write(self, data: bytes) -> None:
        if self._master is None:
            return  # unplugged: the bytes go nowhere
        try:
            os.write(self._master, data)
        except (BlockingIOError, OSError):
            pass  # nobody reading and the buffer is full: a real line drops bytes too

    def _run(self) -> None:
        decoder = p.FrameDecoder()
        next_beat = time.monotonic()
        while not self._stop.is_set():
            self._close_retired()
            master = self._master  # stays open until this thread closes it
            if master is None:
                self._stop.wait(0.02)
                continue
            try:
                ready, _, _ = select.select([master], [], [], 0.02)
                data = os.read(master, 4096) if ready else b""
            except OSError:
                continue
            with self._lock:
                for frame in decoder.feed(data):
                    self._on_frame(frame)
                now = time.monotonic()
                if now >= next_beat and self.simple_key_map is None:
                    self._write(p.encode(p.Heartbeat()))
                    next_beat = now + self.heartbeat_s
                self._resend_unacked(now)
                if self.lit and self.request and now > self._lit_until:
                    self.lit = False
                self._changed.notify_all()

    def _resend_unacked(self, now: float) -> None:
        for seq, (key, sent) in list(self._unacked.items()):
            if now - sent >= self.resend_s:
                self._write(p.encode(key))
                self._unacked[seq] = (key, now)

    def _on_frame(self, frame: p.Frame) -> None:
        try:
            msg = p.parse(frame)
        except p.BadMessage:
            return
        self.received.append(msg)
        match msg:
            case p.Ping():
                self._write(p.encode(p.Hello(self.boot_id, self.firmware)))
            case p.RequestRating(request_id, timeout_s):
                self.request, self.lit = msg, True
                self._lit_until = time.monotonic() + timeout_s
                self._write(p.encode(p.Ack(p.MsgType.REQUEST_RATING, request_id)))
            case p.Show():
                self.shown = msg
                self._write(p.encode(p.Ack(p.MsgType.SHOW, msg.window)))
            case p.Cancel():
                self.lit = False
                self._write(p.encode(p.Ack(p.MsgType.CANCEL, 0)))
            case p.Ack(p.MsgType.KEY, seq):
                self._unacked.pop(seq, None)
        if self.on_message:
            self.on_message(msg)


def describe(msg: p.Message) -> str:
    match msg:
        case p.RequestRating(_, timeout_s):
            return f"亮灯：请对本次服务评价（{timeout_s} 秒内）"
        case p.Show(name, window):
            return f"显示：{window} 号窗口 {name}"
        case p.Cancel():
            return "熄灯：评价已取消"
        case p.Ack(p.MsgType.KEY, seq):
            return f"主机已收到第 {seq} 次按键"
    return ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="虚拟评价器（pty 串口）")
    parser.add_argument("--link", help="symlink path the bridge opens (default: a temp dir)")
    parser.add_argument("--simple", metavar="KEYMAP", help="simple pad: one byte per key, e.g. ascii or 0x31=1,...")
    parser.add_argument("--heartbeat", type=float, default=1.0)
    args = parser.parse_args(argv)
    key_map = p.parse_key_map(args.simple) if args.simple else None
    pad = VirtualPad(args.link, simple_key_map=key_map, heartbeat_s=args.heartbeat)
    pad.on_message = lambda msg: (text := describe(msg)) and print(text, flush=True)
    with pad:
        print(pad.path, flush=True)
        print("按 1..5 回车评价（5 非常满意，1 非常不满意），u 拔出，p 插回，r 重启，q 退出", file=sys.stderr, flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd in {"1", "2", "3", "4", "5"}:
                pad.press(int(cmd))
            elif cmd == "u":
                pad.unplug()
            elif cmd == "p":
                pad.replug()
            elif cmd == "r":
                pad.reboot()
            elif cmd == "q":
                break


if __name__ == "__main__":
    main()
