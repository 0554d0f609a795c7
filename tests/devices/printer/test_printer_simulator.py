"""The simulator as a program, and its reading of ESC/POS split across network reads."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from devices.printer import ReceiptPrinter
from devices.printer.escpos_commands import status_query
from devices.printer.sim_protocol import EscPosReader
from printer_pixels import decode_qr
from printer_samples import STATUS_URL, make_ticket, printer_for

REPO = Path(__file__).resolve().parents[3]


def test_runs_as_a_program_and_writes_pngs(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "devices.printer.simulator", "--port", "0", "--out", str(tmp_path), "--paper", "58"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        port = int(re.search(r":(\d+)", process.stdout.readline()).group(1))
        printer = ReceiptPrinter({"port": port, "profile": "generic-58-gb18030"})
        assert printer.print_ticket(make_ticket()).confirmed
        deadline = time.monotonic() + 10
        while not list(tmp_path.glob("*.png")) and time.monotonic() < deadline:
            time.sleep(0.05)
        (png,) = tmp_path.glob("*.png")
        assert decode_qr(png) == [STATUS_URL]
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_commands_split_across_reads_parse_the_same(simulator):
    sim = simulator()
    data = printer_for(sim, "generic-80-gb18030").ticket_bytes(make_ticket()) + status_query(4)

    def read(chunks):
        jobs, replies = [], bytearray()
        reader = EscPosReader(576, on_job=jobs.append, answer=lambda n: bytes([0x12]))
        for chunk in chunks:
            replies += reader.feed(chunk)
        return jobs, bytes(replies)

    whole_jobs, whole_replies = read([data])
    byte_jobs, byte_replies = read([data[i : i + 1] for i in range(len(data))])
    assert whole_replies == byte_replies == b"\x12"
    assert [j.text for j in whole_jobs] == [j.text for j in byte_jobs] and whole_jobs[0].text


def test_understands_what_python_escpos_sends():
    from escpos.printer import Dummy

    printer = Dummy()
    printer.set(align="center", bold=True, double_height=True)
    printer.textln("Window 3")
    printer.qr(STATUS_URL, native=True, size=6)
    printer.cut()
    jobs = []
    EscPosReader(576, on_job=jobs.append, answer=lambda n: b"").feed(printer.output)
    (job,) = jobs
    assert job.text[0] == "Window 3" and job.lines[0].align == "center" and job.lines[0].bold
    assert job.qr_codes[0].data == STATUS_URL and job.cut
