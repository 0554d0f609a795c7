"""Capturing new pages with the window's document camera: the live preview with the page
outline, capture, review, then into the outbox (uploaded as JPEG with an Idempotency-Key,
retried until the server has it). Camera faults are said in Chinese and the preview comes
back by itself when the camera does."""
from __future__ import annotations

from typing import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.popup import Popup

from devices.camera import CameraError, to_jpeg
from kiosk.ui.common.camera_feed import FRAME_PERIOD_S, NO_PAGE, PAGE_FRAMED, TAKE_PAGE, TAKE_WHOLE_FRAME, CameraFeed
from kiosk.ui.common.fonts import font_name_for

from .page_images import texture_from_bgr

LOOKING = "请把材料平放在拍摄区中央"


class CaptureDialog(Popup):
    status_text = StringProperty("正在打开高拍仪…")
    status_is_error = BooleanProperty(False)
    reviewing = BooleanProperty(False)
    working = BooleanProperty(False)
    live = BooleanProperty(False)  # frames are arriving
    page_seen = BooleanProperty(False)  # the frame on screen has a page found in it
    take_page_text, take_whole_text = TAKE_PAGE, TAKE_WHOLE_FRAME
    mode = StringProperty("document")  # or "color"
    sent = NumericProperty(0)

    def __init__(self, ticket_id: int, ticket_number: str, camera_config: dict,
                 on_page: Callable[[int, bytes], None], **kwargs):
        super().__init__(title=f"拍摄材料 · {ticket_number}", **kwargs)
        self.title_font = font_name_for(self.title)
        self.ticket_id, self.on_page = ticket_id, on_page
        self.feed = CameraFeed(camera_config)
        self._result = None
        self._last_seq = -1
        self._ticker = None

    def on_open(self) -> None:
        self.feed.start()
        self._ticker = Clock.schedule_interval(self._tick, FRAME_PERIOD_S)

    def on_dismiss(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        self.feed.stop()

    def _tick(self, _dt) -> None:
        if self.reviewing or self.working:
            return
        if self.feed.error:
            self.live = self.page_seen = False
            self.status_text, self.status_is_error = self.feed.error, True
            return
        frame = self.feed.preview()
        if frame is None or frame.seq == self._last_seq:
            return
        self._last_seq = frame.seq
        self.ids.preview.texture = texture_from_bgr(frame.image)
        self.live = True
        self.page_seen = frame.found
        self.status_text, self.status_is_error = (PAGE_FRAMED if frame.found else NO_PAGE), False

    def take(self) -> None:
        if not self.live or self.working:
            return
        self.working = True
        self.status_text, self.status_is_error = "正在处理…", False
        mode, feed = self.mode, self.feed
        App.get_running_app().device_work.run(lambda: feed.take(mode), self._taken, self._take_failed)

    def _taken(self, result) -> None:
        self.working, self.reviewing, self._result = False, True, result
        self.ids.preview.texture = texture_from_bgr(result.image)
        self.status_text, self.status_is_error = result.message + " 看清楚后点“上传这一页”，或“重拍”。", not result.found

    def _take_failed(self, exc: Exception) -> None:
        self.working = False
        self.status_text = exc.message if isinstance(exc, CameraError) else "拍照处理失败，请重新拍摄"
        self.status_is_error = True

    def retake(self) -> None:
        self.reviewing, self._result, self._last_seq = False, None, -1
        self.status_text, self.status_is_error = LOOKING, False

    def keep(self) -> None:
        """The reviewed page goes to the outbox; the camera stays open for the next page."""
        if self._result is None:
            return
        self.working = True
        image, ticket_id = self._result.image, self.ticket_id

        def done(jpeg: bytes) -> None:
            self.on_page(ticket_id, jpeg)
            self.sent += 1
            self.working = False
            self.retake()
            self.status_text = f"已保存第 {self.sent} 张，正在上传。可以继续拍下一页"

        App.get_running_app().device_work.run(lambda: to_jpeg(image), done, self._take_failed)
