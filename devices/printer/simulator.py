"""A receipt printer you can print to: listens on TCP like a network printer (port 9100),
or on a pty like a serial one, answers DLE EOT status per its fault state, and renders
each job (cut to cut) into a PNG.

    python -m devices.printer.simulator --port 9100 --out /tmp/receipts --paper 80

Faults: paper_out, cover_open, offline (printing stops, content is dropped, status says
why), paper_near_end (prints, status warns), mute (no status replies), disconnect (drops
the connection). Switch them with
`set_fault()`, with --fault, or in-band by sending DLE DC4 0x7F <name> NUL ("clear" to clear).
"""

from __future__ import annotations

import argparse
import os
import queue
import select
import socket
import threading
import time
import tty
from pathlib import Path

from .sim_protocol import EscPosReader, Job
from .sim_render import render_job
from .status import (
    CAUSE_COVER_OPEN,
    CAUSE_ERROR,
    CAUSE_PAPER_END,
    ERROR_AUTO_RECOVERABLE,
    FIXED_BITS,
    PAPER_END,
    PAPER_NEAR_END,
    PRINTER_OFFLINE,
)

FAULTS = ("paper_out", "cover_open", "offline", "paper_near_end", "mute", "disconnect")
PAPER_DOTS = {80: 576, 58: 384}
_STOPS_PRINTING = {"paper_out", "cover_open", "offline"}


# What each query n = 1..4 of DLE EOT finds in each state: (printer, offline cause, error cause,
# paper sensor) bits over FIXED_BITS. "offline" is a printer stopped by an error that clears by
# itself (the head too hot); paper_out is the end sensor finding no paper, near-end the other sensor.
_STATUS_BITS: dict[str | None, tuple[int, int, int, int]] = {
    None: (0, 0, 0, 0),
    "paper_out": (PRINTER_OFFLINE, CAUSE_PAPER_END, 0, PAPER_END),
    "cover_open": (PRINTER_OFFLINE, CAUSE_COVER_OPEN, 0, 0),
    "offline": (PRINTER_OFFLINE, CAUSE_ERROR, ERROR_AUTO_RECOVERABLE, 0),
    "paper_near_end": (0, 0, 0, PAPER_NEAR_END),
    "disconnect": (0, 0, 0, 0),
}


def status_reply(fault: str | None, n: int) -> bytes:
    """One DLE EOT reply byte for query n (1..4), as an Epson printer in that state answers;
    nothing for other n (the command is ignored), and nothing at all from a mute printer."""
    if fault == "mute" or not 1 <= n <= 4:
        return b""
    return bytes([FIXED_BITS | _STATUS_BITS[fault][n - 1]])


class PrinterSimulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, out_dir: str | Path | None = None,
                 paper_mm: int = 80, fault: str | None = None, render: bool = True):
        self.host, self.port = host, port
        self.out_dir = Path(out_dir) if out_dir else None
        self.paper_dots = PAPER_DOTS[paper_mm]
        self.fault: str | None = None
        self._pending_fault: tuple[str | None, int] | None = None
        self.set_fault(fault)
        self.render = render
        self.jobs: list[Job] = []
        self.rendered = 0
        self.bytes_received = 0
        self._changed = threading.Condition()
        self._render_queue: queue.Queue[Job | None] = queue.Queue()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    # -- control -------------------------------------------------------------------------
    def set_fault(self, fault: str | None, after_bytes: int = 0) -> None:
        """Switch a fault now, or once `after_bytes` more bytes have arrived (mid-job)."""
        if fault not in (None, "clear", *FAULTS):
            raise ValueError(f"unknown fault {fault!r}; one of {FAULTS}")
        if after_bytes:
            self._pending_fault = (fault, after_bytes)
            return
        self.fault = None if fault == "clear" else fault

    def start(self) -> "PrinterSimulator":
        self._listener = socket.create_server((self.host, self.port))
        self.port = self._listener.getsockname()[1]
        self._listener.settimeout(0.2)  # accept() wakes up to notice stop()
        self._spawn(self._accept_loop)
        self._spawn(self._render_loop)
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._listener:
            self._listener.close()
        self._render_queue.put(None)
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "PrinterSimulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[Job]:
        """Block until `count` jobs have been received and rendered; return them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.rendered < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self.rendered} of {count} jobs after {timeout}s")
                self._changed.wait(left)
            return list(self.jobs)

    def attach_pty(self) -> str:
        """Serve the same printer on a new pseudo-terminal; returns its path for a serial backend."""
        master, slave = os.openpty()
        tty.setraw(slave)
        path = os.ttyname(slave)
        self._spawn(self._serve_pty, master, slave)
        return path

    # -- serving -------------------------------------------------------------------------
    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _reader(self) -> EscPosReader:
        return EscPosReader(
            self.paper_dots, on_job=self._job_done, answer=lambda n: status_reply(self.fault, n),
            on_sim_command=self.set_fault, accepting=lambda: self.fault not in _STOPS_PRINTING,
        )

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._spawn(self._serve_connection, conn)

    def _serve_connection(self, conn: socket.socket) -> None:
        reader = self._reader()
        conn.settimeout(0.2)
        with conn:
            while not self._stopping.is_set():
                try:
                    data = conn.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not data:
                    break
                reply = self._feed(reader, data)
                if self.fault == "disconnect":
                    self.fault = None  # a one-off: the next connection works again
                    break
                if reply:
                    conn.sendall(reply)
        reader.finish()

    def _serve_pty(self, master: int, slave: int) -> None:
        reader = self._reader()
        while not self._stopping.is_set():
            if not select.select([master], [], [], 0.2)[0]:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            reply = self._feed(reader, data)
            if reply:
                os.write(master, reply)
        os.close(master)
        os.close(slave)

    def _feed(self, reader: EscPosReader, data: bytes) -> bytes:
        self.bytes_received += len(data)
        if self._pending_fault is None:
            return reader.feed(data)
        fault, left = self._pending_fault
        if len(data) < left:
            self._pending_fault = (fault, left - len(data))
            return reader.feed(data)
        self._pending_fault = None
        reply = reader.feed(data[:left])
        self.set_fault(fault)
        return reply + reader.feed(data[left:])

    def _job_done(self, job: Job) -> None:
        with self._changed:
            self.jobs.append(job)
        self._render_queue.put(job)

    def _render_loop(self) -> None:
        # Rendering is slow next to the protocol: keep it off the connection's thread.
        while (job := self._render_queue.get()) is not None:
            if self.render and self.out_dir:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                path = self.out_dir / f"job-{self.rendered + 1:04d}.png"
                partial = path.with_suffix(".png.part")
                render_job(job).save(partial, format="PNG")
                os.replace(partial, path)  # watchers of *.png never see half a file
                job.png_path = str(path)
            with self._changed:
                self.rendered += 1
                self._changed.notify_all()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="模拟网络小票打印机（ESC/POS，TCP 9100）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--out", default="printer-out", help="PNG 输出目录")
    parser.add_argument("--paper", type=int, choices=(80, 58), default=80)
    parser.add_argument("--fault", choices=FAULTS, default=None)
    args = parser.parse_args(argv)
    sim = PrinterSimulator(args.host, args.port, args.out, args.paper, args.fault).start()
    print(f"打印机模拟器已启动：{args.host}:{sim.port}，纸宽 {args.paper} mm，输出到 {args.out}", flush=True)
    try:
        seen = 0
        while True:
            jobs = sim.wait_for_jobs(seen + 1, timeout=3600)
            for job in jobs[seen:]:
                print(f"收到打印任务：{job.png_path or '(未保存)'}", flush=True)
            seen = len(jobs)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
