"""The kiosk's capture step: the document camera's live preview with the page outline, then take,
review, retake, another page, or skip. What the screen says follows the frame shown: "已框住" only
while that frame has a page found in it."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from devices.camera import CameraError
from kiosk.ui.common.camera_feed import FRAME_PERIOD_S, NO_PAGE, PAGE_FRAMED, TAKE_PAGE, TAKE_WHOLE_FRAME

from .screen_base import KioskScreen
from .screens_finish import texture_of


class CaptureScreen(KioskScreen):
    prompt = "请把材料平放在拍摄区，绿框框住材料后，点拍照。不拍也可以，请点跳过。"
    live = BooleanProperty(True)  # False: reviewing the page just taken
    working = BooleanProperty(False)
    page_seen = BooleanProperty(False)  # the frame on screen has a page found in it
    status_text = StringProperty("")
    page_count = NumericProperty(0)
    preview = ObjectProperty(None, allownone=True)
    take_page_text = TAKE_PAGE
    take_whole_text = TAKE_WHOLE_FRAME
    _event = None
    _seq = -1

    def on_pre_enter(self, *args) -> None:
        super().on_pre_enter(*args)
        self.live, self.page_seen = True, False
        self.app.camera.start()
        self._event = Clock.schedule_interval(self.show_frame, FRAME_PERIOD_S)  # each of the feed's frames, as it comes

    def on_leave(self, *args) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.app.camera.stop()

    def refresh(self) -> None:
        self.page_count = len(self.app.flow.pages)

    def show_frame(self, _dt) -> None:
        if not self.live:
            return
        camera = self.app.camera
        frame = camera.preview()
        if camera.error:
            self.status_text = camera.error + "\n也可以点“跳过”，到窗口出示原件。"
            self.preview, self.page_seen = None, False
            return
        if frame is None:
            self.status_text, self.page_seen = "正在打开高拍仪，请稍候…", False
            return
        if frame.seq != self._seq:
            self._seq = frame.seq
            self.preview = texture_of(frame.image)
        self.page_seen = frame.found
        self.status_text = PAGE_FRAMED if frame.found else NO_PAGE

    def take(self) -> None:
        if self.working:
            return
        self.working = True
        self.status_text = "正在拍照…"
        self.app.run_off_ui(self.app.camera.take, self._taken, self._failed)

    def _taken(self, result) -> None:
        self.working = False
        self.app.flow.pages.append(result)
        self.page_count = len(self.app.flow.pages)
        self.live = False
        self.preview = texture_of(result.image)
        self.status_text = f"第 {self.page_count} 页：" + result.message

    def _failed(self, exc: Exception) -> None:
        self.working = False
        self.message = (exc.message if isinstance(exc, CameraError) else "拍照没有成功") + " 请重拍，或点“跳过”。"

    def retake(self) -> None:
        if not self.live and self.app.flow.pages:
            self.app.flow.pages.pop()
        self.page_count = len(self.app.flow.pages)
        self.live = True

    def another(self) -> None:
        self.live = True

    def done(self) -> None:
        self.app.choose_pages()

    def reset(self) -> None:
        super().reset()
        self.live, self.preview, self.page_count, self.page_seen = True, None, 0, False
