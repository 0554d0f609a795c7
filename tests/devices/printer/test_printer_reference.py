"""The simulator held to Epson's published ESC/POS reference, not to our own encoder.

The expected bytes and dots below are copied from Epson's tables, never computed by our code:

DLE EOT n (10 04 n), "Transmit real-time status": the bit tables of the Epson TM-T88III
Specification (STANDARD), section "DLE EOT n", tables n = 3 (error status) and n = 4 (continuous
paper sensor status), and of the TM-U220A Specification, tables n = 1 (printer status) and
n = 2 (offline cause status). In every reply bits 1 and 4 are fixed on and bits 0 and 7 fixed off
(0x12); then
  n = 1  bit 3 (0x08): offline
  n = 2  bit 2 (0x04): cover open;  bit 5 (0x20): printing stopped by paper end;  bit 6 (0x40): error occurred
  n = 3  bit 3 (0x08): autocutter error;  bit 5 (0x20): unrecoverable error;
         bit 6 (0x40): auto-recoverable error (print head too hot: printing waits until it cools)
  n = 4  bits 2,3 (0x0C): the near-end sensor finds the paper near its end;
         bits 5,6 (0x60): the roll paper (end) sensor finds no paper
and n outside 1..4 is ignored (no reply).

GS ! n (1D 21 n), "Select character size": bits 0-3 give the height, bits 4-7 the width, each
1 to 8 times normal; Font A is 12 x 24 dots (24 x 24 for a Chinese character). ESC 3 n /
ESC 2 set the line spacing, by default 30/203 inch = 30 dots (TM-L90 / TM-T90 Specification,
"ESC 3 n", [Default]). A row of enlarged characters taller than the line spacing feeds its
own height: 48 dots at 2x, 144 at 6x.

Standard mode: a character that does not fit in the rest of the print area is printed at the
start of the next line (the printer wraps, it does not drop or overprint).
"""

from __future__ import annotations

import socket

import numpy as np
import pytest
from PIL import Image

from devices.printer.escpos_commands import SIM_FAULT
from printer_pixels import ink_bands

DLE_EOT = b"\x10\x04"
INIT, CHINESE = b"\x1b@", b"\x1c&"

# Each state's replies to DLE EOT 1, 2, 3, 4, from the tables above.
REFERENCE_STATUS = {
    "ready": bytes.fromhex("12 12 12 12"),
    "paper_out": bytes.fromhex("1A 32 12 72"),  # offline; stopped by paper end; -; end sensor: no paper
    "cover_open": bytes.fromhex("1A 16 12 12"),  # offline; cover open
    "offline": bytes.fromhex("1A 52 52 12"),  # offline; error occurred; auto-recoverable error
    "paper_near_end": bytes.fromhex("12 12 12 1E"),  # online; near-end sensor: near end
}


def ask(port: int, fault: str | None, queries: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(SIM_FAULT + (fault or "clear").encode() + b"\x00" + queries)
        conn.settimeout(0.5)
        got = b""
        try:
            while chunk := conn.recv(16):
                got += chunk
        except socket.timeout:
            pass
        return got


@pytest.mark.parametrize("state", REFERENCE_STATUS)
def test_dle_eot_replies_match_epsons_tables(simulator, state):
    sim = simulator()
    queries = b"".join(DLE_EOT + bytes([n]) for n in (1, 2, 3, 4))
    assert ask(sim.port, None if state == "ready" else state, queries) == REFERENCE_STATUS[state]


def test_dle_eot_outside_1_to_4_is_ignored(simulator):
    sim = simulator()
    assert ask(sim.port, None, DLE_EOT + b"\x05" + DLE_EOT + b"\x01") == b"\x12"


def test_the_status_decoder_reads_epsons_bytes():
    from devices.printer.status import decode_status

    assert decode_status(*REFERENCE_STATUS["ready"]).ready
    paper_out = decode_status(*REFERENCE_STATUS["paper_out"])
    assert paper_out.paper_out and not paper_out.paper_near_end and not paper_out.online
    assert decode_status(*REFERENCE_STATUS["cover_open"]).cover_open
    offline = decode_status(*REFERENCE_STATUS["offline"])
    assert offline.error and not (offline.paper_out or offline.cover_open)
    near = decode_status(*REFERENCE_STATUS["paper_near_end"])
    assert near.ready and near.paper_near_end
    for autocutter_or_unrecoverable in (0x1A, 0x32):  # n = 3 bit 3, bit 5
        assert decode_status(0x1A, 0x12, autocutter_or_unrecoverable, 0x12).error


def print_raw(sim, data: bytes):
    with socket.create_connection(("127.0.0.1", sim.port), timeout=2) as conn:
        conn.sendall(data + b"\x1dV\x00")  # GS V 0: cut, ending the job
    (job,) = sim.wait_for_jobs(1)
    return job


@pytest.mark.parametrize("n,height,feed", [(0x00, 1, 30), (0x11, 2, 48), (0x22, 3, 72), (0x55, 6, 144)])
def test_gs_bang_enlarged_rows_feed_their_height(simulator, n, height, feed):
    sim = simulator()
    job = print_raw(sim, INIT + CHINESE + b"\x1d!" + bytes([n]) + "号".encode("gb18030") + b"\n")
    (line,) = job.lines
    assert (line.height_mult, line.width_mult) == (height, height)
    assert line.feed_dots == feed
    assert line.width_dots == 24 * height
    page = Image.open(job.png_path)
    bands = ink_bands(page)[:-1]  # the last band is the dashed cut line
    drawn = bands[-1][1] - bands[0][0]
    assert 0.7 * 24 * height <= drawn <= 24 * height, "the character is drawn as tall as enlarged"


def test_gs_bang_width_and_height_apart(simulator):
    sim = simulator()
    job = print_raw(sim, INIT + CHINESE + b"\x1d!\x30" + "号号".encode("gb18030") + b"\n")  # 4x wide, 1x high
    (line,) = job.lines
    assert (line.width_mult, line.height_mult, line.width_dots, line.feed_dots) == (4, 1, 192, 30)
    page = np.asarray(Image.open(job.png_path).convert("L")) < 128
    columns = np.flatnonzero(page.any(axis=0))
    assert columns[-1] - columns[0] > 150, "the two characters spread over 4x their width"


def test_line_spacing_commands_set_the_feed(simulator):
    sim = simulator()
    job = print_raw(sim, INIT + b"\x1b3\x40A\n\x1b2B\n\n")  # ESC 3 64, ESC 2, an empty line
    first, second = job.lines
    assert (first.feed_dots, second.feed_dots) == (64, 30)
    assert job.items[-1].dots == 30, "LF on an empty line feeds the line spacing"


@pytest.mark.parametrize("paper,columns", [(80, 48), (58, 32)])
def test_an_over_wide_line_wraps_at_the_print_area_edge(simulator, paper, columns):
    sim = simulator(paper_mm=paper)
    text = "0123456789" * 6
    job = print_raw(sim, INIT + text.encode() + b"\n")
    assert job.text == [text[:columns], text[columns:]]
    assert [line.width_dots for line in job.lines] == [12 * columns, 12 * (60 - columns)]
    assert all(line.overflow for line in job.lines) and job.too_wide() == job.lines


def test_wrapping_never_splits_a_chinese_character(simulator):
    sim = simulator(paper_mm=58)  # 384 dots: 16 Chinese characters, or 8 at double width
    text = "A" + "帮办代办全程免费" * 2
    job = print_raw(sim, INIT + CHINESE + b"\x1d!\x11" + text.encode("gb18030") + b"\n")
    assert job.text == [text[:8], text[8:16], text[16:]]  # A (24) + 7 x 48 = 360: an 8th would cross 384
    assert all(line.width_dots <= 384 for line in job.lines)
    assert "\ufffd" not in "".join(job.text)
