"""DLE EOT status replies (Epson-style bits), turned into plain data and typed errors."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import CoverOpen, PaperOut, PrinterError, PrinterOffline

# Bits of the one-byte replies (Epson's DLE EOT tables); bits 1 and 4 are always set, bit 0 and 7 always clear.
FIXED_BITS = 0x12
PRINTER_OFFLINE = 0x08  # n=1
CAUSE_COVER_OPEN = 0x04  # n=2
CAUSE_PAPER_END = 0x20  # n=2: printing stopped because the paper ran out
CAUSE_ERROR = 0x40  # n=2
ERROR_CUTTER = 0x08  # n=3: autocutter error
ERROR_UNRECOVERABLE = 0x20  # n=3
ERROR_AUTO_RECOVERABLE = 0x40  # n=3: e.g. the head too hot; printing waits until it cools
PAPER_NEAR_END = 0x0C  # n=4: the near-end sensor
PAPER_END = 0x60  # n=4: the end sensor


def is_status_byte(value: int) -> bool:
    return value & 0x93 == FIXED_BITS


@dataclass(frozen=True)
class PrinterStatus:
    checked: bool  # False when the transport or printer cannot answer (file backend)
    online: bool = True
    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    error: bool = False

    @property
    def ready(self) -> bool:
        return self.online and not (self.paper_out or self.cover_open or self.error)

    def problem(self) -> PrinterError | None:
        """The error a print would meet now, most specific first; None if ready."""
        if self.paper_out:
            return PaperOut()
        if self.cover_open:
            return CoverOpen()
        if not self.ready:
            return PrinterOffline("error" if self.error else "offline")
        return None


def decode_status(printer: int, offline_cause: int, error_cause: int, paper: int) -> PrinterStatus:
    return PrinterStatus(
        checked=True,
        online=not printer & PRINTER_OFFLINE,
        paper_out=bool(paper & PAPER_END == PAPER_END or offline_cause & CAUSE_PAPER_END),
        paper_near_end=paper & PAPER_NEAR_END == PAPER_NEAR_END,
        cover_open=bool(offline_cause & CAUSE_COVER_OPEN),
        error=bool(offline_cause & CAUSE_ERROR
                   or error_cause & (ERROR_CUTTER | ERROR_UNRECOVERABLE | ERROR_AUTO_RECOVERABLE)),
    )


UNCHECKED = PrinterStatus(checked=False)
