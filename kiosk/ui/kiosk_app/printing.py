"""The receipt printer, off the UI thread: one job at a time, and a watch on its state so the
welcome screen can warn before someone takes a ticket, and clear the warning by itself."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from devices.printer import PrinterError, PrintResult, ReceiptPrinter, TicketReceipt

log = logging.getLogger("bangban.kiosk.printer")


class PrintDesk:
    def __init__(self, config: dict | None):
        self.printer = ReceiptPrinter(config) if config is not None else None
        self.problem: str = "" if config is not None else "本机未配置打印机"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-printer")
        self._lock = threading.Lock()

    def print_ticket(self, receipt: TicketReceipt, on_done: Callable[[PrintResult | None, PrinterError | None], None]) -> None:
        """on_done(result, None) or on_done(None, error), called on the printer's thread."""
        def job() -> None:
            if self.printer is None:
                on_done(None, PrinterError("no printer configured", message="本机未配置打印机。"))
                return
            try:
                with self._lock:
                    result = self.printer.print_ticket(receipt)
            except PrinterError as exc:
                self.problem = exc.message
                log.warning("receipt %s not printed: %s", receipt.number, exc)
                on_done(None, exc)
                return
            except Exception as exc:  # a bug or an odd device: the person still gets the number on screen
                log.exception("receipt %s failed", receipt.number)
                self.problem = "打印机出错"
                on_done(None, PrinterError(repr(exc)))
                return
            self.problem = ""
            on_done(result, None)

        self._pool.submit(job)

    def check(self) -> str:
        """Ask the printer how it is (blocking, a few ms on a LAN printer); "" when it is fine."""
        if self.printer is None:
            return self.problem
        try:
            with self._lock:
                problem = self.printer.status().problem()
            self.problem = problem.message if problem else ""
        except PrinterError as exc:
            self.problem = exc.message
        return self.problem

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
