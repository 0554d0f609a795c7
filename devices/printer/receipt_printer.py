"""The one class the kiosk and the window terminal call: receipts in, paper out, or a typed error.

A print is never silently lost: the printer's status is read before the job
(refuse to start on a fault) and after it (the reply also proves the printer
took the bytes). Where no status can be read (file backend, or a printer
without DLE EOT) the result says `confirmed=False`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import escpos_commands as cmd
from .config import PrinterConfig
from .document import Document
from .encoders import encoder_for
from .errors import PrinterError, PrinterNotResponding, PrinterUnreachable, PrintInterrupted, SilentAfterJob
from .fonts import FontChain
from .profiles import load_profile
from .receipts import Form, MissingMaterialsNotice, TicketReceipt
from .status import UNCHECKED, PrinterStatus, decode_status, is_status_byte
from .templates import form_document, missing_materials_document, ticket_document
from .transports import Transport, transport_for

STATUS_QUERIES = (1, 2, 3, 4)
STATUS_REQUEST = b"".join(cmd.status_query(n) for n in STATUS_QUERIES)
_NOT_STATUS_TOLERANCE = 16  # stray bytes (e.g. automatic status) skipped before giving up


@dataclass(frozen=True)
class PrintResult:
    job: str
    bytes_written: int
    mode: str  # "native" or "raster"
    confirmed: bool  # the printer answered a status query after taking the job
    status: PrinterStatus


class ReceiptPrinter:
    def __init__(self, config: PrinterConfig | dict):
        self.config = config if isinstance(config, PrinterConfig) else PrinterConfig.from_dict(config)
        self.profile = load_profile(self.config.profile)
        chain = FontChain(self.config.fonts) if self.config.fonts else None
        self.encoder = encoder_for(self.profile, chain)

    @property
    def mode(self) -> str:
        return "native" if self.profile.native_text else "raster"

    # Bytes only: for previews, tests and the benchmark.
    def ticket_bytes(self, ticket: TicketReceipt) -> bytes:
        return self.encoder.encode(ticket_document(ticket, self.profile.width_dots))

    def form_bytes(self, form: Form) -> bytes:
        return self.encoder.encode(form_document(form, self.profile.width_dots))

    def print_ticket(self, ticket: TicketReceipt) -> PrintResult:
        return self._send(ticket_document(ticket, self.profile.width_dots))

    def print_form(self, form: Form) -> PrintResult:
        return self._send(form_document(form, self.profile.width_dots))

    def print_missing_materials(self, notice: MissingMaterialsNotice) -> PrintResult:
        return self._send(missing_materials_document(notice, self.profile.width_dots))

    def print_document(self, document: Document) -> PrintResult:
        return self._send(document)

    def status(self) -> PrinterStatus:
        """The printer's state now; UNCHECKED where it cannot be asked. Raises if unreachable."""
        transport = transport_for(self.config)
        if not self._can_ask(transport):
            return UNCHECKED  # opening a file backend would truncate it, for nothing
        transport.open()
        try:
            return self._query(transport)
        finally:
            transport.close()

    def _can_ask(self, transport: Transport) -> bool:
        return transport.can_read and self.profile.status_query

    def _query(self, transport: Transport) -> PrinterStatus:
        transport.write(STATUS_REQUEST)
        return self._read_status(transport)

    def _read_status(self, transport: Transport) -> PrinterStatus:
        replies, stray = [], 0
        while len(replies) < len(STATUS_QUERIES):
            value = transport.read_byte()[0]
            if is_status_byte(value):
                replies.append(value)
            else:
                stray += 1
                if stray > _NOT_STATUS_TOLERANCE:
                    raise PrinterNotResponding(f"no status reply, got byte {value:#04x}")
        return decode_status(*replies)

    def _send(self, document: Document) -> PrintResult:
        data = self.encoder.encode(document)
        transport = transport_for(self.config)
        transport.open()
        try:
            asking = self._can_ask(transport)
            if asking:
                problem = self._query(transport).problem()
                if problem:
                    raise problem
            # One write: the job, then the status request that confirms it was taken.
            transport.write(data + STATUS_REQUEST if asking else data)
            try:
                status = self._read_status(transport) if asking else UNCHECKED
            except PrinterUnreachable as exc:
                raise PrintInterrupted(f"connection lost after sending: {exc.detail}") from exc
            except PrinterNotResponding as exc:
                raise SilentAfterJob(f"no status reply after the job: {exc.detail}") from exc
            problem = status.problem()
            if problem:
                raise _after_print(problem)
            return PrintResult(document.title, len(data), self.mode, asking, status)
        finally:
            transport.close()


def _after_print(problem: PrinterError) -> PrinterError:
    return type(problem)(
        "after sending the job", message=problem.message + "刚才的凭条可能没有打印完整，请处理后重新打印。"
    )
