"""Frame sources: the USB document camera, and a video file or image folder that stands in for it.

All sources share one interface: `open()`, `read() -> BGR frame`, `close()`, and what
the device actually gives (`actual_size`, `actual_fourcc`, `fps`). A source whose
device goes away raises `CameraDisconnected` from `read()`, and reads again once the
device is back: the preview shows the message meanwhile and resumes by itself.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import cv2
import numpy as np

from .errors import CameraDisconnected, CameraUnavailable, SourceExhausted

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


def fourcc_text(code: float) -> str:
    value = int(code)
    return "".join(chr((value >> (8 * i)) & 0xFF) for i in range(4)).strip("\x00")


class _ReconnectingSource:
    """open/read/close with reconnection; subclasses supply `_connect` and `_grab`."""

    def __init__(self, retry_interval: float = 0.5):
        self.retry_interval = retry_interval
        self.actual_size: tuple[int, int] | None = None
        self.actual_fourcc = ""
        self.fps = 0.0
        self._connected = False
        self._next_retry = 0.0

    def open(self) -> "_ReconnectingSource":
        self._connect()  # raises CameraUnavailable
        self._connected = True
        return self

    def read(self) -> np.ndarray:
        if not self._connected:
            self._reconnect()
        frame = self._grab()
        if frame is None:
            self._drop()
            raise CameraDisconnected()
        return frame

    def _reconnect(self) -> None:
        now = time.monotonic()
        if now < self._next_retry:
            raise CameraDisconnected()
        self._next_retry = now + self.retry_interval
        try:
            self._connect()
        except CameraUnavailable as exc:
            raise CameraDisconnected(detail=exc.detail) from None
        self._connected = True

    def _drop(self) -> None:
        self._connected = False
        self._release()
        self._next_retry = time.monotonic() + self.retry_interval

    def close(self) -> None:
        self._connected = False
        self._release()

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()

    def _connect(self) -> None:
        raise NotImplementedError

    def _grab(self) -> np.ndarray | None:
        raise NotImplementedError

    def _release(self) -> None:
        pass


class CameraSource(_ReconnectingSource):
    """A UVC document camera through cv2.VideoCapture, asked for MJPEG at a resolution."""

    def __init__(self, device: int | str = 0, width: int = 4208, height: int = 3120,
                 fourcc: str = "MJPG", backend: int = cv2.CAP_ANY, retry_interval: float = 0.5):
        super().__init__(retry_interval)
        self.device, self.width, self.height = device, width, height
        self.fourcc, self.backend = fourcc, backend
        self._cap: cv2.VideoCapture | None = None

    def _connect(self) -> None:
        cap = cv2.VideoCapture(self.device, self.backend)
        if not cap.isOpened():
            cap.release()
            raise CameraUnavailable(detail=f"device {self.device!r}")
        # FOURCC first: in YUYV these cameras fall to a few fps at high resolution,
        # and some drivers only offer the large sizes once MJPEG is chosen
        cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*self.fourcc))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        # drivers may ignore a request silently: report what we really get
        self.actual_size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self.actual_fourcc = fourcc_text(cap.get(cv2.CAP_PROP_FOURCC))
        self.fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._cap = cap

    def _grab(self) -> np.ndarray | None:
        ok, frame = self._cap.read()
        return frame if ok and frame is not None else None

    def _release(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class FileSource(_ReconnectingSource):
    """The simulator: frames from a video file or a folder of images, same interface as a camera.

    A missing file or an empty folder is an unplugged camera; putting it back is plugging in.
    """

    def __init__(self, path: str | os.PathLike, loop: bool = True, retry_interval: float = 0.5):
        super().__init__(retry_interval)
        self.path = Path(path)
        self.loop = loop
        self._cap: cv2.VideoCapture | None = None
        self._index = 0
        self._decoded: dict[Path, tuple[int, np.ndarray]] = {}  # path -> (mtime_ns, frame)

    def _connect(self) -> None:
        if self.path.is_dir():
            frames = self._image_files()
            first = cv2.imread(str(frames[0])) if frames else None
            if first is None:
                raise CameraUnavailable(detail=f"no images in {self.path}")
            self.actual_size = (first.shape[1], first.shape[0])
            self.actual_fourcc, self.fps = "file", 0.0
            return
        cap = cv2.VideoCapture(str(self.path))
        if not self.path.exists() or not cap.isOpened():
            cap.release()
            raise CameraUnavailable(detail=str(self.path))
        self.actual_size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self.actual_fourcc = fourcc_text(cap.get(cv2.CAP_PROP_FOURCC))
        self.fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._cap = cap

    def _image_files(self) -> list[Path]:
        try:
            return sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        except OSError:
            return []

    def _grab(self) -> np.ndarray | None:
        if self._cap is None:
            return self._grab_image()
        if not self.path.exists():
            return None  # an open file handle would keep playing a deleted file
        ok, frame = self._cap.read()
        if not ok and self.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        if not ok:
            raise SourceExhausted()
        return frame

    def _grab_image(self) -> np.ndarray | None:
        frames = self._image_files()
        if not frames:
            return None
        if self._index >= len(frames):
            if not self.loop:
                raise SourceExhausted()
            self._index = 0
        frame = self._decode(frames[self._index])
        self._index += 1
        return frame

    def _decode(self, path: Path) -> np.ndarray | None:
        """The image at `path`, decoded once per version of the file: a document camera's 8 MP
        still takes longer to decode than a preview frame may take (the frame is shared: read it only)."""
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        cached = self._decoded.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        frame = cv2.imread(str(path))
        if frame is not None:
            self._decoded = {p: v for p, v in self._decoded.items() if p.exists()}
            self._decoded[path] = (stamp, frame)
        return frame

    def _release(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
