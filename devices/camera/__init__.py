"""The document camera (高拍仪): sources, live page detection, capture, output.

    from devices.camera import FileSource, PageTracker, find_page, capture, to_pdf

Plain data in and out: frames are BGR numpy arrays, corners are 4x2 float32 arrays
ordered top-left, top-right, bottom-right, bottom-left.
"""

from .capture import CaptureResult, capture
from .errors import CameraDisconnected, CameraError, CameraUnavailable, CaptureFailed, SourceExhausted
from .page_detect import find_page
from .page_output import to_jpeg, to_pdf
from .page_tracker import PageTracker
from .sources import CameraSource, FileSource

__all__ = [
    "CameraDisconnected", "CameraError", "CameraSource", "CameraUnavailable", "CaptureFailed",
    "CaptureResult", "FileSource", "PageTracker", "SourceExhausted", "capture", "find_page",
    "to_jpeg", "to_pdf",
]
