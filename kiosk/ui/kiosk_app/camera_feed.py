"""The document camera behind the capture screen: frames read off the UI thread, the page
outline found and steadied (devices.camera), the latest frame kept for the preview, and a
still turned into a flat page on request. A camera that fails is retried by itself."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np

from devices.camera import CameraError, CameraSource, CaptureResult, FileSource, PageTracker, capture, find_page

log = logging.getLogger("bangban.kiosk.camera")
DETECT_WIDTH = 640  # outline found on a small copy: the preview needs speed, not precision
FRAME_INTERVAL_S = 0.08


def source_for(config: dict):
    """{"file": path} (a video or image folder standing in for the camera) or {"device": 0, ...}."""
    if "file" in config:
        return FileSource(config["file"], retry_interval=float(config.get("retry_s", 0.5)))
    return CameraSource(config.get("device", 0), width=int(config.get("width", 4208)),
                        height=int(config.get("height", 3120)), retry_interval=float(config.get("retry_s", 0.5)))


@dataclass
class PreviewFrame:
    image: np.ndarray  # BGR, the preview size, with the outline drawn
    found: bool
    seq: int


class CameraFeed:
    def __init__(self, config: dict, preview_width: int = 960):
        self.config = config
        self.preview_width = preview_width
        self.error: str = ""  # plain Chinese while the camera fails; "" when it works
        self._source = None
        self._tracker = PageTracker()
        self._latest_still: np.ndarray | None = None
        self._preview: PreviewFrame | None = None
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._seq = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._running.is_set():
            return
        self._running.set()
        self._thread = threading.Thread(target=self._run, name="kiosk-camera", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the camera when the capture screen is left: its light and USB bandwidth are idle."""
        self._running.clear()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        with self._lock:
            self._latest_still, self._preview = None, None
        self._tracker.reset()

    def preview(self) -> PreviewFrame | None:
        with self._lock:
            return self._preview

    def take(self) -> CaptureResult:
        """A flat, upright page from the newest full-resolution frame (call off the UI thread)."""
        with self._lock:
            still = None if self._latest_still is None else self._latest_still.copy()
        if still is None:
            raise CameraError(self.error or None)
        return capture(still)

    def _run(self) -> None:
        while self._running.is_set():
            try:
                if self._source is None:
                    self._source = source_for(self.config).open()
                frame = self._source.read()
            except CameraError as exc:
                self._fail(exc)
                continue
            self.error = ""
            self._show(frame)
            time.sleep(FRAME_INTERVAL_S)
        if self._source is not None:
            self._source.close()
            self._source = None

    def _fail(self, exc: CameraError) -> None:
        if self.error != exc.message:
            log.warning("camera: %s", exc)
        self.error = exc.message
        with self._lock:
            self._preview = None
        time.sleep(0.5)

    def _show(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        scale = DETECT_WIDTH / w
        small = cv2.resize(frame, (DETECT_WIDTH, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        found = find_page(small)
        outline = self._tracker.update(found, (small.shape[1], small.shape[0]))
        pscale = self.preview_width / w
        preview = cv2.resize(frame, (self.preview_width, max(1, round(h * pscale))), interpolation=cv2.INTER_AREA)
        if outline is not None:
            pts = (outline * (pscale / scale)).astype(np.int32).reshape(-1, 1, 2)
            cv2.polylines(preview, [pts], True, (80, 220, 80), max(3, self.preview_width // 200), cv2.LINE_AA)
        self._seq += 1
        with self._lock:
            self._latest_still = frame
            self._preview = PreviewFrame(preview, outline is not None, self._seq)
