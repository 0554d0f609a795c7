"""Paper out, cover open, offline, silence and an unreachable printer: typed errors, never a lost print."""

from __future__ import annotations

import socket

import pytest

from devices.printer import (
    CoverOpen,
    PaperOut,
    PrinterNotResponding,
    PrinterOffline,
    PrinterUnreachable,
    PrintInterrupted,
    SilentAfterJob,
)
from devices.printer.escpos_commands import SIM_FAULT
from printer_samples import make_ticket, printer_for


@pytest.mark.parametrize("fault,error", [("paper_out", PaperOut), ("cover_open", CoverOpen),
                                         ("offline", PrinterOffline)])
def test_a_fault_refuses_the_print_with_a_chinese_message(simulator, fault, error):
    sim = simulator(fault=fault)
    printer = printer_for(sim, "generic-80-gb18030")
    assert not printer.status().ready
    with pytest.raises(error) as raised:
        printer.print_ticket(make_ticket())
    assert raised.value.code == fault if fault != "offline" else "printer_offline"
    assert any("\u4e00" <= c <= "\u9fff" for c in raised.value.message)
    assert sim.jobs == [], "nothing was sent to a printer that cannot print"


def test_status_when_ready_and_when_paper_runs_low(simulator):
    sim = simulator()
    printer = printer_for(sim, "generic-80-gb18030")
    assert printer.status().ready and not printer.status().paper_near_end
    sim.set_fault("paper_near_end")
    status = printer.status()
    assert status.ready and status.paper_near_end
    assert printer.print_ticket(make_ticket()).status.paper_near_end


def test_a_fault_during_the_job_fails_the_print(simulator):
    """The cover opens mid-receipt: the status read after the job catches it, the print raises."""
    sim = simulator()
    printer = printer_for(sim, "generic-80-gb18030")
    sim.set_fault("cover_open", after_bytes=300)
    with pytest.raises(CoverOpen) as raised:
        printer.print_ticket(make_ticket())
    assert "可能没有打印完整" in raised.value.message
    assert sim.fault == "cover_open"
    (partial,) = sim.wait_for_jobs(1)
    assert not partial.cut, "a stopped printer does not cut"
    assert partial.text and "全程免费" not in "".join(partial.text), "only the start came out"


def test_faults_switch_in_band(simulator):
    sim = simulator()
    with socket.create_connection(("127.0.0.1", sim.port), timeout=2) as conn:
        conn.sendall(SIM_FAULT + b"paper_out\x00" + b"\x10\x04\x04")
        assert conn.recv(1)[0] & 0x60 == 0x60, "paper sensor: paper end"
        conn.sendall(SIM_FAULT + b"clear\x00" + b"\x10\x04\x04")
        assert conn.recv(1)[0] & 0x60 == 0
    assert sim.fault is None


def test_unreachable_printer(simulator):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]  # bound but not listening: connection refused
        from devices.printer import ReceiptPrinter

        printer = ReceiptPrinter({"port": closed_port, "timeout_s": 1.0})
        with pytest.raises(PrinterUnreachable) as raised:
            printer.print_ticket(make_ticket())
    assert "连接不上打印机" in raised.value.message


def test_a_printer_that_does_not_answer_status(simulator):
    sim = simulator(fault="mute")
    printer = printer_for(sim, "generic-80-gb18030", timeout_s=0.3)
    with pytest.raises(PrinterNotResponding):
        printer.print_ticket(make_ticket())


@pytest.mark.parametrize("fault,error", [("paper_out", PaperOut), ("cover_open", CoverOpen),
                                         ("mute", PrinterNotResponding)])
def test_the_58mm_raster_printer_is_asked_before_the_job(simulator, fault, error):
    """Its 76 KB of bitmap is not sent to a printer that cannot print it, nor reported as printed."""
    sim = simulator(paper_mm=58, fault=fault)
    with pytest.raises(error):
        printer_for(sim, "generic-58-raster", timeout_s=0.5).print_ticket(make_ticket())
    assert sim.bytes_received <= 12, "only the four status queries were sent"


def test_the_58mm_raster_print_is_confirmed_by_the_printer(simulator):
    sim = simulator(paper_mm=58)
    result = printer_for(sim, "generic-58-raster").print_ticket(make_ticket())
    assert result.confirmed and result.status.ready
    assert sim.bytes_received > 20_000 and len(sim.wait_for_jobs(1)) == 1


def test_a_printer_silent_after_taking_the_job_says_the_receipt_may_be_incomplete(simulator):
    sim = simulator()
    sim.set_fault("mute", after_bytes=300)
    with pytest.raises(SilentAfterJob) as raised:
        printer_for(sim, "generic-80-gb18030", timeout_s=0.5).print_ticket(make_ticket())
    assert "可能没有打印完整" in raised.value.message
    assert raised.value.message != PrinterNotResponding.message, "not the message of a printer that never answered"
    assert isinstance(raised.value, PrinterNotResponding), "still a printer that does not answer, for its callers"


def test_a_connection_lost_mid_job_says_the_print_was_interrupted(simulator):
    sim = simulator()
    printer = printer_for(sim, "generic-80-gb18030")
    sim.set_fault("disconnect", after_bytes=300)
    with pytest.raises(PrintInterrupted) as raised:
        printer.print_ticket(make_ticket())
    assert "打印中断" in raised.value.message
    assert printer.print_ticket(make_ticket()).confirmed, "the next print goes through"
