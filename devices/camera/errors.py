"""Typed errors of the document camera, each with a Chinese message a person can act on."""

from devices.errors import DeviceError


class CameraError(DeviceError):
    """Base class: `code` is a stable English code, `message` is shown on screen."""

    code = "camera_error"
    message = "高拍仪出现故障，请联系工作人员。"

    def __init__(self, message: str | None = None, *, detail: str = ""):
        super().__init__(detail, message=message or None)


class CameraUnavailable(CameraError):
    """The camera (or the simulator's file) cannot be opened at all."""

    code = "camera_unavailable"
    message = "未找到高拍仪，请检查高拍仪的 USB 线是否插好，然后重试。"


class CameraDisconnected(CameraError):
    """The camera was working and stopped giving frames (unplugged mid-preview)."""

    code = "camera_disconnected"
    message = "高拍仪连接已断开，请重新插好 USB 线，画面会自动恢复。"


class CaptureFailed(CameraError):
    """A still could not be turned into a page image."""

    code = "capture_failed"
    message = "拍照处理失败，请重新拍摄。"


class SourceExhausted(CameraError):
    """A non-looping simulator source has shown its last frame."""

    code = "source_exhausted"
    message = "演示画面已播放完毕。"
