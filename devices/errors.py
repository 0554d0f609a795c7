"""The base of every device error: a stable English code for logs, a Chinese message for people."""

from __future__ import annotations


class DeviceError(Exception):
    """Subclasses set `code` and `message`; `detail` carries the technical cause for the log."""

    code = "device_error"
    message = "设备出错，请联系工作人员。"

    def __init__(self, detail: str = "", *, message: str | None = None):
        self.detail = detail
        if message is not None:
            self.message = message
        super().__init__(f"[{self.code}] {self.message}" + (f" ({detail})" if detail else ""))
