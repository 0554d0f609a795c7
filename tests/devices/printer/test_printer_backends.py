"""Backends are interchangeable: the same receipt through file, serial (a real pty) and network."""

from __future__ import annotations

import pytest

from devices.printer import (
    BackendUnavailable,
    PrinterConfig,
    PrinterUnreachable,
    ReceiptPrinter,
    UnknownProfile,
)
from devices.printer.sim_protocol import EscPosReader
from devices.printer.transports import TRANSPORTS
from printer_samples import STATUS_URL, make_ticket


def _read_back(data: bytes, paper_dots: int = 576):
    jobs = []
    reader = EscPosReader(paper_dots, on_job=jobs.append, answer=lambda n: b"")
    reader.feed(data)
    reader.finish()
    return jobs


def test_file_backend_writes_the_bytes(tmp_path):
    path = tmp_path / "lp0"
    printer = ReceiptPrinter({"backend": "file", "path": str(path), "profile": "generic-80-gb18030"})
    result = printer.print_ticket(make_ticket())
    data = path.read_bytes()
    assert len(data) == result.bytes_written and result.confirmed is False
    (job,) = _read_back(data)
    assert "A012" in job.text and job.qr_codes[0].data == STATUS_URL and job.cut
    assert printer.status().checked is False, "a file cannot answer"
    assert path.read_bytes() == data, "asking for status did not truncate the file"


def test_file_backend_into_a_missing_directory_is_unreachable(tmp_path):
    printer = ReceiptPrinter({"backend": "file", "path": str(tmp_path / "no" / "lp0")})
    with pytest.raises(PrinterUnreachable):
        printer.print_ticket(make_ticket())


def test_serial_backend_on_a_pty(simulator):
    sim = simulator(paper_mm=58)
    port = sim.attach_pty()
    printer = ReceiptPrinter({"backend": "serial", "device": port, "profile": "generic-58-gb18030",
                              "timeout_s": 2.0})
    assert printer.status().ready
    result = printer.print_ticket(make_ticket())
    assert result.confirmed
    (job,) = sim.wait_for_jobs(1)
    assert "A012" in job.text and job.too_wide() == []


def test_serial_port_that_does_not_exist():
    printer = ReceiptPrinter({"backend": "serial", "device": "/dev/does-not-exist"})
    with pytest.raises(PrinterUnreachable):
        printer.print_ticket(make_ticket())


def test_each_backend_says_whether_it_can_run_here():
    usable = {name: cls.is_usable() for name, cls in TRANSPORTS.items()}
    assert usable["network"] and usable["file"] and usable["serial"]
    if not usable["usb"]:  # pyusb is optional: a clear error, not an import crash
        with pytest.raises(BackendUnavailable):
            ReceiptPrinter({"backend": "usb", "usb_vendor": 0x0416, "usb_product": 0x5011}).status()


def test_configuration_mistakes_are_caught():
    with pytest.raises(UnknownProfile):
        ReceiptPrinter({"profile": "no-such-printer"})
    with pytest.raises(ValueError):
        PrinterConfig.from_dict({"backend": "network", "hots": "10.0.0.5"})
    with pytest.raises(ValueError):
        PrinterConfig.from_dict({"backend": "bluetooth"})


def test_opening_and_closing_is_not_logged(simulator, caplog):
    """python-escpos says "Network printer enabled" and "Closing Network connection" at INFO on
    every status check; the kiosk's log (and the demo's console) must not fill with them."""
    import logging

    sim = simulator()
    printer = ReceiptPrinter({"port": sim.port})
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            assert printer.status().ready
    assert not [r for r in caplog.records if "Network" in r.getMessage()], caplog.text
