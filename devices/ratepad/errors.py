"""Typed errors of the rating pad driver: a Chinese message a person can act on, plus an English code."""

from devices.errors import DeviceError


class RatePadError(DeviceError):
    """Base class; its subclasses build `message` from what went wrong."""

    code = "ratepad_error"

    def __init__(self, message: str, detail: str = ""):
        super().__init__(detail, message=message)


class PadNotConnected(RatePadError):
    code = "pad_not_connected"

    def __init__(self, detail: str = ""):
        super().__init__("评价器未连接，请检查评价器的串口线或USB线是否插好。", detail)


class PadPortUnavailable(RatePadError):
    code = "pad_port_unavailable"

    def __init__(self, port: str, detail: str = ""):
        super().__init__(f"无法打开评价器串口 {port}，请确认端口名正确、设备已插好且本程序有权限访问。", detail)
        self.port = port


class PadSilent(RatePadError):
    code = "pad_heartbeat_lost"

    def __init__(self, seconds: float):
        super().__init__(f"评价器已 {seconds:.0f} 秒没有心跳，可能已断电或线缆松动，请检查评价器。")
        self.seconds = seconds


class BadKeyMap(RatePadError):
    code = "bad_key_map"

    def __init__(self, spec: str, detail: str = ""):
        super().__init__(f"评价器按键映射“{spec}”写法有误，应为预设名或如 0x31=1,0x32=2 的形式，分值为1到5。", detail)
        self.spec = spec


class BadMessage(RatePadError):
    """A frame with a correct checksum whose content makes no sense (unknown type, wrong length, score out of range)."""

    code = "bad_message"

    def __init__(self, detail: str = ""):
        super().__init__("收到评价器无法识别的消息，已丢弃。", detail)
