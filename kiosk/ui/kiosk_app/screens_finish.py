"""The second half of a visit: the phone number, the confirmation, the ticket (the documents: screens_capture)."""
from __future__ import annotations

import cv2
import qrcode
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from .flow import phone_problem, spaced_phone
from .receipt import wait_text
from .screen_base import KioskScreen


def texture_of(bgr) -> Texture:
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if bgr.ndim == 3 else cv2.cvtColor(bgr, cv2.COLOR_GRAY2RGB)
    h, w = rgb.shape[:2]
    texture = Texture.create(size=(w, h), colorfmt="rgb")
    texture.blit_buffer(rgb[::-1].tobytes(), colorfmt="rgb", bufferfmt="ubyte")  # Kivy's rows run bottom-up
    return texture


def qr_texture(url: str) -> Texture:
    import numpy as np

    matrix = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    matrix.add_data(url)
    modules = np.array(matrix.get_matrix(), dtype=bool)
    image = np.where(modules, 0, 255).astype(np.uint8)
    image = cv2.resize(image, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)  # crisp modules
    texture = texture_of(image)
    texture.mag_filter = texture.min_filter = "nearest"
    return texture


class PhoneScreen(KioskScreen):
    prompt = "如果愿意，请输入手机号码，方便工作人员联系您。不想填，请点跳过。"
    digits = StringProperty("")
    shown = StringProperty("")

    def on_digits(self, _screen, digits: str) -> None:
        self.shown = spaced_phone(digits)

    def refresh(self) -> None:
        self.digits = self.app.flow.phone

    def pad_key(self, key: str) -> None:
        if key == "back":
            self.digits = self.digits[:-1]
        elif key == "clear":
            self.digits = ""
        elif len(self.digits) < 11:
            self.digits += key
        self.message = ""

    def done(self) -> None:
        problem = phone_problem(self.digits)
        if problem:
            self.message = problem
            self.app.say("手机号不对，请核对。")
            return
        self.app.choose_phone(self.digits)

    def skip(self) -> None:
        self.digits = ""
        self.app.choose_phone("")

    def reset(self) -> None:
        super().reset()
        self.digits = ""


class ConfirmScreen(KioskScreen):
    prompt = "请核对以上信息，没有问题请点确认取号。"
    summary = StringProperty("")
    busy = BooleanProperty(False)

    def refresh(self) -> None:
        self.summary = "\n".join(f"[b]{k}[/b]：{v}" for k, v in self.app.flow.summary())

    def confirm(self) -> None:
        if not self.busy:
            self.app.issue()


# the server's `staffed_windows` is 0: nobody can call the ticket now, so no wait is promised
NOBODY_SERVING = "暂无工作人员办理，等候时间无法估计"
NOBODY_SERVING_ADVICE = "请到引导台，工作人员会帮您安排；或回首页改选其他事项。"


class TicketScreen(KioskScreen):
    number = StringProperty("")
    wait_line = StringProperty("")
    where_line = StringProperty("")
    print_line = StringProperty("")
    print_failed = BooleanProperty(False)
    nobody_serving = BooleanProperty(False)
    reprint_offered = BooleanProperty(False)  # the printer is back after missing this receipt
    qr = ObjectProperty(None, allownone=True)

    def show(self, ticket: dict, where: str) -> None:
        self.number = ticket["number"]
        self.nobody_serving = ticket.get("staffed_windows") == 0  # absent from an older server: as before
        self.wait_line = NOBODY_SERVING if self.nobody_serving else wait_text(ticket)
        self.where_line = NOBODY_SERVING_ADVICE if self.nobody_serving else where
        self.print_failed = self.reprint_offered = False
        self.print_line = "凭条正在打印，请稍候取走"
        self.qr = qr_texture(ticket["status_url"])

    def offer_reprint(self) -> None:
        self.reprint_offered = True
        self.print_line = "打印机已恢复，可以补打凭条：请点下面的“补打凭条”。"

    def reprinting(self) -> None:
        self.reprint_offered = False
        self.print_line = "凭条正在打印，请稍候取走"

    def printed(self, problem: str | None) -> None:
        if problem is None:
            self.print_failed = False
            self.print_line = "凭条已打印，请从出纸口取走"
        else:
            self.print_failed = True
            self.print_line = (f"凭条没能打印（{problem.rstrip('。')}）。\n请记住上面的号码，或用手机拍下本屏幕，"
                               "到引导台出示即可，号码已经有效。")

    def spoken_prompt(self) -> str:
        if self.nobody_serving:
            return f"您的号码是 {self.number} 号。{self.wait_line}。{self.where_line}"
        return f"您的号码是 {self.number} 号。{self.wait_line}。" + ("请到引导台出示本屏幕。" if self.print_failed else "请取走凭条。")

    def reset(self) -> None:
        super().reset()
        self.number = self.wait_line = self.where_line = self.print_line = ""
        self.nobody_serving = self.reprint_offered = False
        self.qr = None
