"""The document camera (高拍仪) behind a capture screen: frames read off the UI thread, the
page outline found on a small copy and steadied (devices.camera.PageTracker), the newest
frame kept for the preview, and a still turned into a flat page on request. A camera that
fails is retried by itself; ``error`` says why in plain Chinese meanwhile.

    feed = CameraFeed({"file": "/path/to/frames"})   # or {"device": 0}
    feed.start(); frame = feed.preview(); page = feed.take("document"); feed.stop()
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np

from devices.camera import CameraError, CameraSource, CaptureResult, FileSource, PageTracker, capture, find_page

log = logging.getLogger("bangban.ui.camera")
DETECT_WIDTH = 640  # the outline is found on a small copy: the preview needs speed, not precision
# what a preview says (kiosk and window alike): "已框住" only while the frame shown has a page in it
PAGE_FRAMED = "绿框已框住材料，可以拍照"
NO_PAGE = "没有看到材料。请把材料平放在拍摄区中央；现在点拍照，会拍下整个画面"
TAKE_PAGE = "拍照"
TAKE_WHOLE_FRAME = "拍照（整个画面）"  # keeps the word 拍照: the button is still the one to press
FRAME_PERIOD_S = 1 / 15  # a frame read, searched and shown this often: an outline goes within 200 ms of its page


def source_for(config: dict):
    """{"file": path} (a video or an image folder standing in for the camera) or {"device": 0, ...}."""
    retry = float(config.get("retry_s", 0.5))
    if "file" in config:
        return FileSource(config["file"], retry_interval=retry)
    return CameraSource(config.get("device", 0), width=int(config.get("width", 4208)),
                        height=int(config.get("height", 3120)), retry_interval=retry)


@dataclass
class PreviewFrame:
    image: np.ndarray  # BGR at the preview size, the page outline drawn on it
    found: bool  # a page was found in this very frame (not only held over from the one before)
    seq: int


class CameraFeed:
    def __init__(self, config: dict, preview_width: int = 960):
        self.config, self.preview_width = config, preview_width
        self.error = ""  # plain Chinese while the camera fails; "" when it works
        self._source = None
        self._tracker = PageTracker()
        self._still: np.ndarray | None = None
        self._preview: PreviewFrame | None = None
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._seq = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._running.is_set():
            return
        self._running.set()
        self._thread = threading.Thread(target=self._run, name="camera-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the camera when the dialog closes: its lamp and USB bandwidth stay idle."""
        self._running.clear()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        with self._lock:
            self._still, self._preview = None, None
        self._tracker.reset()

    def preview(self) -> PreviewFrame | None:
        with self._lock:
            return self._preview

    def take(self, mode: str = "document") -> CaptureResult:
        """A flat, upright page from the newest full-resolution frame (call off the UI thread)."""
        with self._lock:
            still = None if self._still is None else self._still.copy()
        if still is None:
            raise CameraError(self.error or None)
        return capture(still, mode)

    def _run(self) -> None:
        while self._running.is_set():
            started = time.monotonic()
            try:
                if self._source is None:
                    self._source = source_for(self.config).open()
                frame = self._source.read()
            except CameraError as exc:
                self._fail(exc)
                continue
            self.error = ""
            self._show(frame, started)
            time.sleep(max(0.0, FRAME_PERIOD_S - (time.monotonic() - started)))
        if self._source is not None:
            self._source.close()
            self._source = None

    def _fail(self, exc: CameraError) -> None:
        if self.error != exc.message:
            log.warning("camera: %s", exc)
        self.error = exc.message
        with self._lock:
            self._still, self._preview = None, None  # never capture a frame from before the fault
        time.sleep(0.5)

    def _show(self, frame: np.ndarray, taken_at: float) -> None:
        h, w = frame.shape[:2]
        scale = DETECT_WIDTH / w
        small = cv2.resize(frame, (DETECT_WIDTH, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        found = find_page(small)
        outline = self._tracker.update(found, (small.shape[1], small.shape[0]), taken_at)
        pscale = self.preview_width / w
        preview = cv2.resize(frame, (self.preview_width, max(1, round(h * pscale))), interpolation=cv2.INTER_AREA)
        if outline is not None:
            pts = (outline * (pscale / scale)).astype(np.int32).reshape(-1, 1, 2)
            cv2.polylines(preview, [pts], True, (80, 220, 80), max(3, self.preview_width // 200), cv2.LINE_AA)
        self._seq += 1
        with self._lock:
            self._still = frame
            self._preview = PreviewFrame(preview, found is not None, self._seq)
