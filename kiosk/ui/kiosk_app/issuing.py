"""The ticket's life at the kiosk, as part of the app: issued once per flow (one idempotency
key), written to the journal before and after, printed on the printer's own thread, shown on
screen when the printer cannot, and finished after a restart. Mixed into KioskApp."""
from __future__ import annotations

import threading
import time

from kivy.clock import Clock

from kiosk.client import ClientError, ServerTrouble, ServerUnreachable

from .journal import ISSUED, ISSUING, PRINTED, SHOWN
from .receipt import receipt_context, ticket_receipt, where_to_wait

# the banner says that the server is away and to ask at the guide desk; this says what became of the tap
NO_TICKET_YET = "号还没有取到。服务器一恢复，这里会提示您再点“确认取号”。"
PRINTER_DOWN = "打印机暂时不能打印：{}。取号后号码会显示在屏幕上，请到引导台出示。"
PAPER_LOW = "凭条纸将用完，请及时更换纸卷"  # reported to the server: the window terminals show it to staff


class Ticketing:
    """Needs from the app: api, background, desk, journal, outbox, flow, windows, hall_name,
    manager, screen(), say(), _server_failed(), _set_banner(), busy, prints, config_."""

    def issue(self) -> None:
        flow, confirm = self.flow, self.screen("confirm")
        queue_id = flow.matter["queue_id"] if flow.matter else flow.queue_id
        context = receipt_context(flow, self.hall_name, where_to_wait(self.windows, queue_id), self.config_.language)
        request = flow.request()
        self.journal.begin(flow.idempotency_key, request, context)
        self.busy = confirm.busy = True
        confirm.message = "正在取号，请稍候…"
        self._confirmed_at = time.perf_counter()

        def done(ticket: dict) -> None:
            self.busy = confirm.busy = False
            self._issued(flow.idempotency_key, ticket, context, flow.pages)

        def failed(exc: Exception) -> None:
            self.busy = confirm.busy = False
            self._server_failed(exc)
            if isinstance(exc, (ServerUnreachable, ServerTrouble)):
                confirm.message = NO_TICKET_YET
            else:
                confirm.message = (exc.message if isinstance(exc, ClientError) else "取号没有成功") + " 如需帮助请到引导台。"
            self.say(confirm.message)

        self.background.run(lambda: self.api.issue_ticket(idempotency_key=flow.idempotency_key, **request),
                            done, failed)

    def _issued(self, key: str, ticket: dict, context: dict, pages: list) -> None:
        self.journal.issued(key, ticket)
        self.print_receipt(key, ticket, context)
        self._queue_pages(ticket["id"], pages)
        self.show_ticket(ticket, context)

    def show_ticket(self, ticket: dict, context: dict) -> None:
        self.screen("ticket").show(ticket, context["where_to_wait"])
        self.manager.current = "ticket"

    def _queue_pages(self, ticket_id: int, pages: list) -> None:
        if not pages:
            return
        from devices.camera import to_jpeg

        def write() -> None:
            for page in pages:
                self.outbox.add(ticket_id, to_jpeg(page.image))

        threading.Thread(target=write, name="kiosk-pages", daemon=True).start()

    def print_receipt(self, key: str, ticket: dict, context: dict) -> None:
        started = time.perf_counter()
        confirmed_at = self._confirmed_at

        def done(result, error) -> None:
            # on the printer's thread, when the printer has answered the status query sent after the job
            now = time.perf_counter()
            timing = {"print_s": now - started, "tap_to_print_s": now - confirmed_at if confirmed_at else None}
            Clock.schedule_once(lambda _dt: self._printed(key, ticket, context, error, timing))
            if result is not None:  # the printer's status as it answered after this job
                Clock.schedule_once(lambda _dt: self._paper_state(result.status.paper_near_end))

        self.last_ticket, self._confirmed_at = (ticket, context), None
        self.desk.print_ticket(ticket_receipt(ticket, context), done)

    def _printed(self, key: str, ticket: dict, context: dict, error, timing: dict) -> None:
        self.journal.mark(key, SHOWN if error else PRINTED)
        self.missed_receipt = (key, ticket, context) if error else None
        self.prints.append({"number": ticket["number"], "ok": error is None, "error": getattr(error, "code", None),
                            **{k: round(v, 4) for k, v in timing.items() if v is not None}})
        self.printer_problem = PRINTER_DOWN.format(error.message.rstrip("。")) if error else ""
        self._set_banner()
        screen = self.screen("ticket")
        if self.manager.current == "ticket" and screen.number == ticket["number"]:
            screen.printed(error.message if error else None)
            self.say(screen.spoken_prompt())
        elif error:  # a receipt finished after a restart could not print: show it instead
            self.show_ticket(ticket, context)
            screen.printed(error.message)

    def _paper_state(self, near_end: bool) -> None:
        """Paper near its end still prints: the citizen need not know, the staff must, in time."""
        if near_end == self.paper_low:
            return
        self.paper_low = near_end
        self.background.run(lambda: self.api.report_health("paper", not near_end, PAPER_LOW if near_end else ""),
                            lambda _r: None, self._server_failed)

    def check_printer(self) -> None:
        def job() -> None:
            problem = self.desk.check()
            Clock.schedule_once(lambda _dt: self._printer_state(problem))

        threading.Thread(target=job, name="kiosk-printer-check", daemon=True).start()

    def _printer_state(self, problem: str) -> None:
        self.printer_problem = PRINTER_DOWN.format(problem.rstrip("。")) if problem else ""
        self._set_banner()
        if not problem and self.missed_receipt and self.screen("ticket").number == self.missed_receipt[1]["number"]:
            self.screen("ticket").offer_reprint()  # the person is still here: the printer is back
            self.say(self.screen("ticket").print_line)

    def reprint_missed(self) -> None:
        """The receipt the printer missed, printed now that it is back (the ticket screen's button)."""
        if self.missed_receipt:
            key, ticket, context = self.missed_receipt
            self.screen("ticket").reprinting()
            self.print_receipt(key, ticket, context)

    def recover(self) -> None:
        """After a restart: finish tickets the last run issued (or was issuing) but never printed."""
        for entry in self.journal.unfinished(self.config_.recover_within_s):
            if entry.state == ISSUED and entry.ticket:
                self.print_receipt(entry.key, entry.ticket, entry.context)
            elif entry.state == ISSUING:  # the same key: the server answers with the same ticket, or makes it now
                self.background.run(
                    lambda e=entry: self.api.issue_ticket(idempotency_key=e.key, **e.request),
                    lambda ticket, e=entry: (self.journal.issued(e.key, ticket),
                                             self.print_receipt(e.key, ticket, e.context)),
                    self._server_failed)
        self.journal.forget_older_than(7 * 24 * 3600)

    def reprint_last(self) -> None:
        if self.last_ticket:
            ticket, context = self.last_ticket
            self.print_receipt("reprint", ticket, context)
