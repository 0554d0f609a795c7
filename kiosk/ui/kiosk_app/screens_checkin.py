"""Check-in for a booking (预约签到): the booking's 6-digit code or the phone number it was made
with, on the same big number pad as the phone step; the server answers with a ticket (booked;
for an early arrival booked and held until the slot, said with the slot's time; or an ordinary
one past the grace period, said plainly), printed and shown like any other."""
from __future__ import annotations

import re
import uuid
from datetime import datetime

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.client import ClientError, ServerTrouble, ServerUnreachable
from kiosk.domain.hall_setup import SERVICE_TYPE_NAMES
from kiosk.domain.queue_policy import PRIORITY_GROUP_NAMES

from .flow import phone_problem, spaced_phone
from .receipt import where_to_wait
from .screen_base import KioskScreen
from .wording import one_sentence_a_line

CODE_LENGTH = 6
LABELS = {"code": "预约码（六位数字）", "phone": "预约时留的手机号"}
CODE_PROBLEM = "预约码是 6 位数字，请核对预约成功页上的号码，或工作人员告知的号码。"
QR_HINT = "也可以把手机上的预约二维码对准下方的高拍仪，自动签到。"
QR_TOKEN = re.compile(r"/b/([A-Za-z0-9_-]{8,40})$")
LOOK_EVERY_S = 0.4
SERVER_AWAY = "暂时连不上服务器，签到没有完成。请稍候再点“签到”，或到引导台请工作人员帮您。"


def token_in(image) -> str | None:
    """The booking page's token, when ``image`` (a BGR frame) shows the page's QR code."""
    import cv2

    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    found = QR_TOKEN.search(text or "")
    return found.group(1) if found else None


def checkin_context(hall_name: str, windows: list[dict], result: dict) -> dict:
    """The receipt's fields for a checked-in booking: marked 预约 (with when an early arrival is
    called, and the priority group the booking carries), or said to be an ordinary number."""
    booking, ticket = result["booking"], result["ticket"]
    notes = {"on_time": f"预约 {booking['start']}", "early": f"预约 {booking['start']}，届时优先叫号"}
    note = notes.get(result["outcome"], "预约已过时，按普通号排队")
    if booking.get("priority_group") in PRIORITY_GROUP_NAMES:
        note += f" · {PRIORITY_GROUP_NAMES[booking['priority_group']]}"
    return {"hall_name": hall_name, "service_type": SERVICE_TYPE_NAMES[booking["service_type"]],
            "matter_name": booking["matter"], "time_limit_days": None, "materials": None, "phone": "",
            "priority_note": note, "where_to_wait": where_to_wait(windows, ticket["queue_id"])}


def held_ticket(result: dict) -> dict:
    """The ticket as the kiosk shows and prints it: an early arrival's wait is at least until it
    may be called (both times are the server's)."""
    ticket, called_from = result["ticket"], result.get("called_from")
    if result["outcome"] != "early" or not called_from or not ticket.get("issued_at"):
        return ticket
    until = datetime.fromisoformat(called_from) - datetime.fromisoformat(ticket["issued_at"])
    return {**ticket, "estimated_wait_s": max(int(ticket.get("estimated_wait_s") or 0), int(until.total_seconds()))}


def booked_wait_line(result: dict) -> str:
    """What the ticket screen says in place of the people ahead, for an early arrival."""
    return f"您预约的是 {result['booking']['start']}，届时优先叫号，请在大厅等候"


class CheckInScreen(KioskScreen):
    prompt = "有预约的，请输入预约码，或者预约时留的手机号，再点“签到”。"
    mode = StringProperty("code")  # code | phone
    digits = StringProperty("")
    shown = StringProperty("")
    busy = BooleanProperty(False)

    qr_hint = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.key = ""
        self._looking = None
        self._decoding = False
        self._refused: set[str] = set()  # QR codes the server turned down: not sent again on every frame
        self._asked: dict = {}

    # --- the booking's QR code, shown to the document camera (its public API only) ---------
    def on_enter(self, *args) -> None:
        super().on_enter(*args)
        if self.app.camera is not None:
            self.qr_hint = QR_HINT
            self.app.camera.start()
            self._looking = Clock.schedule_interval(lambda _dt: self._look(), LOOK_EVERY_S)

    def on_leave(self, *args) -> None:
        if self._looking is not None:
            self._looking.cancel()
            self._looking = None
            self.app.camera.stop()

    def _look(self) -> None:
        frame = self.app.camera.preview()
        if frame is None or self.busy or self._decoding:
            return
        self._decoding = True
        self.app.run_off_ui(lambda: token_in(frame.image), self._seen, lambda _exc: self._seen(None))

    def _seen(self, token: str | None) -> None:
        self._decoding = False
        if token and token not in self._refused and not self.busy and self.manager.current == self.name:
            self._send({"token": token}, "已识别预约二维码，正在签到…")

    def label(self, mode: str) -> str:
        """The choice's words, with a tick on the one in use: not colour alone."""
        return ("✓ " if self.mode == mode else "") + LABELS[mode]

    def on_digits(self, _screen, digits: str) -> None:
        self.shown = spaced_phone(digits) if self.mode == "phone" else " ".join(digits)

    def use(self, mode: str) -> None:
        self.mode, self.digits, self.message = mode, "", ""

    def pad_key(self, key: str) -> None:
        limit = CODE_LENGTH if self.mode == "code" else 11
        if key == "back":
            self.digits = self.digits[:-1]
        elif key == "clear":
            self.digits = ""
        elif len(self.digits) < limit:
            self.digits += key
        self.message = ""

    def problem(self) -> str | None:
        if self.mode == "code":
            return None if len(self.digits) == CODE_LENGTH else CODE_PROBLEM
        return phone_problem(self.digits) if self.digits else "请先输入手机号。"

    def submit(self) -> None:
        if self.busy:
            return
        problem = self.problem()
        if problem:
            self.message = problem
            self.app.say(problem)
            return
        self._send({"code": self.digits} if self.mode == "code" else {"phone": self.digits}, "正在签到，请稍候…")

    def _send(self, ask: dict, saying: str) -> None:
        self.key = self.key or uuid.uuid4().hex  # a retry after a lost answer gets the same ticket
        self.busy = self.app.busy = True
        self.tell_good_news(saying)
        key, self._asked = self.key, ask
        self.app.background.run(lambda: self.app.api.check_in(idempotency_key=key, **ask),
                                self._checked_in, self._failed)

    def _checked_in(self, result: dict) -> None:
        self.busy = self.app.busy = False
        app, ticket = self.app, held_ticket(result)
        context = checkin_context(app.hall_name, app.windows, result)
        app.print_receipt(self.key, ticket, context)
        app.show_ticket(ticket, context)
        ticket_screen, said = app.screen("ticket"), one_sentence_a_line(result["message"])
        if result["outcome"] == "early" and not ticket_screen.nobody_serving:
            ticket_screen.wait_line = booked_wait_line(result)
        if result["outcome"] in ("early", "on_time"):
            ticket_screen.tell_good_news(said)
        else:
            ticket_screen.message = said  # plainly: the booking lapsed, an ordinary number
        app.say(result["message"])
        self.reset()

    def _failed(self, exc: Exception) -> None:
        self.busy = self.app.busy = False
        if isinstance(exc, (ServerUnreachable, ServerTrouble)):
            self.app._server_failed(exc)
            self.message = SERVER_AWAY
        else:
            self.key = ""  # refused (wrong code, too early): nothing was issued under this key
            if "token" in self._asked:
                self._refused.add(self._asked["token"])
            self.message = exc.message if isinstance(exc, ClientError) else "签到没有成功，请到引导台。"
        self.app.say(self.message)

    def reset(self) -> None:
        super().reset()
        self.digits, self.mode, self.key = "", "code", ""
        self._refused.clear()
