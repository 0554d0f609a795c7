"""Typed errors of the pad bridge: a Chinese message a person can act on, plus an English code."""

from devices.errors import DeviceError


class BridgeError(DeviceError):
    """Base class; its subclasses build `message` from what went wrong."""

    code = "padbridge_error"

    def __init__(self, message: str, detail: str = ""):
        super().__init__(detail, message=message)


class ServerUnreachable(BridgeError):
    code = "server_unreachable"

    def __init__(self, url: str, detail: str = ""):
        super().__init__(f"连不上服务器 {url}，评价先存在本机，恢复后自动补发。请检查网络和服务器。", detail)


class ServerRefusedToken(BridgeError):
    code = "token_refused"

    def __init__(self, detail: str = ""):
        super().__init__("服务器不接受本评价器的令牌，请让管理员用 bangban device add --kind pad 重新生成并配置。", detail)
