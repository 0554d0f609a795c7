"""Receipt printer: Chinese tickets and forms on ESC/POS printers, and a simulator to see them.

    printer = ReceiptPrinter({"backend": "network", "host": "127.0.0.1", "port": 9100,
                              "profile": "generic-80-gb18030"})
    printer.print_ticket(TicketReceipt(...))   # PrintResult, or a PrinterError subclass
"""

# isort: skip_file  (python-escpos is told where to cache before anything imports it)
from ._escpos_cache import keep_escpos_capabilities

keep_escpos_capabilities()

from .config import PrinterConfig
from .errors import (
    BackendUnavailable,
    ContentTooWide,
    CoverOpen,
    FontMissing,
    PaperOut,
    PrinterError,
    PrinterNotResponding,
    PrinterOffline,
    PrinterUnreachable,
    PrintInterrupted,
    SilentAfterJob,
    UnknownProfile,
)
from .profiles import PrinterProfile, load_profile, profile_names
from .receipt_printer import PrintResult, ReceiptPrinter
from .receipts import (
    AcceptanceSlip,
    CompletionSlip,
    EntrustmentLetter,
    MissingMaterialsNotice,
    ResumptionLetter,
    SuspensionSlip,
    TicketReceipt,
)
from .status import PrinterStatus

__all__ = [
    "AcceptanceSlip", "BackendUnavailable", "CompletionSlip", "ContentTooWide", "CoverOpen",
    "EntrustmentLetter", "FontMissing", "MissingMaterialsNotice", "PaperOut", "PrintInterrupted", "PrintResult",
    "PrinterConfig", "PrinterError", "PrinterNotResponding", "PrinterOffline", "PrinterProfile",
    "PrinterStatus", "PrinterUnreachable", "ReceiptPrinter", "ResumptionLetter", "SilentAfterJob", "SuspensionSlip",
    "TicketReceipt", "UnknownProfile", "load_profile", "profile_names",
]
