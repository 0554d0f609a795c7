"""The serve screen's work with devices and forms: capture pages with the document camera,
print the forms of the ticket in hand. A mixin of ServeScreen, kept apart to keep each short."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from kivy.properties import BooleanProperty, StringProperty

from .capture_dialog import CaptureDialog
from .form_fill import Facts
from .print_dialog import NO_PRINTER, PrintDialog

NO_CAMERA = "本窗口未配置高拍仪"


class ServeExtras:
    has_camera = BooleanProperty(False)
    has_printer = BooleanProperty(False)
    capture_label = StringProperty(NO_CAMERA)
    print_label = StringProperty(NO_PRINTER)

    def configure_devices(self, camera_config: dict | None, printer_config: dict | None) -> None:
        self.has_camera, self.has_printer = camera_config is not None, printer_config is not None
        self.capture_label = "拍摄材料\nF7" if self.has_camera else NO_CAMERA
        self.print_label = "打印表单\nF8" if self.has_printer else NO_PRINTER

    def open_capture(self) -> None:
        app = self.app
        if not self.ticket_id or app.camera_config is None:
            return
        dialog = CaptureDialog(self.ticket_id, self.ticket_number, app.camera_config, self.page_captured)
        dialog.bind(on_dismiss=lambda *_a: self.ids.documents.reload())
        self._open(dialog)

    def page_captured(self, ticket_id: int, jpeg: bytes) -> None:
        """Kept on disk first, then uploaded by the outbox (retried, never lost)."""
        self.app.outbox.add(ticket_id, jpeg)
        if ticket_id == self.ticket_id:
            self.ids.documents.reload()

    def open_print(self) -> None:
        app = self.app
        if not self.ticket_id or app.printer_config is None:
            return
        api, ticket_id, log = app.helper_api, self.ticket_id, self.current_log()

        def gather():
            ticket = api.ticket(ticket_id)
            matter = next((m for m in api.catalog()["matters"] if m["id"] == ticket.get("matter_id")), None)
            return ticket, matter, api.case_for_ticket(ticket_id)

        def show(found):
            ticket, matter, case = found
            facts = Facts(ticket=ticket, matter=matter, case=case, helper=dict(app.helper or {}, **app.helper_extra),
                          log=asdict(log), today=date.today(), hall_name=app.hall_name, agency=app.hall_name)
            self._open(PrintDialog(facts, app.printer_config))

        self._run(gather, show)
