"""Typed printer errors: a Chinese message a person can act on, plus an English code."""

from __future__ import annotations

from devices.errors import DeviceError


class PrinterError(DeviceError):
    """Base of every printer error. `code` is stable English, `message` is for people."""

    code = "printer_error"
    message = "打印机出错，请联系工作人员。"


class PaperOut(PrinterError):
    code = "paper_out"
    message = "打印机缺纸，请工作人员更换纸卷后重试。"


class CoverOpen(PrinterError):
    code = "cover_open"
    message = "打印机上盖没有合好，请合上上盖后重试。"


class PrinterOffline(PrinterError):
    code = "printer_offline"
    message = "打印机暂停工作（离线），请工作人员检查打印机。"


class PrinterNotResponding(PrinterError):
    code = "printer_not_responding"
    message = "打印机没有回应状态查询，请检查打印机电源和连线。"


class SilentAfterJob(PrinterNotResponding):
    """The printer took the job's bytes, then did not answer the status query sent after them."""

    code = "printer_silent_after_job"
    message = "打印机收下凭条后没有回应，凭条可能没有打印完整，请检查打印机后重新打印。"


class PrinterUnreachable(PrinterError):
    code = "printer_unreachable"
    message = "连接不上打印机，请检查打印机电源和网线（数据线）。"


class PrintInterrupted(PrinterError):
    """The stream broke while sending: part of the receipt may be missing."""

    code = "print_interrupted"
    message = "打印中断，凭条可能不完整，请重新打印。"


class BackendUnavailable(PrinterError):
    code = "backend_unavailable"
    message = "本机不支持所选的打印机连接方式，请检查打印机配置。"


class UnknownProfile(PrinterError):
    code = "unknown_profile"
    message = "打印机型号配置有误，请检查打印机配置。"


class ContentTooWide(PrinterError):
    """A raster image wider than the paper would be cut off by the printer."""

    code = "content_too_wide"
    message = "凭条内容超出纸张宽度，无法打印，请联系工作人员。"


class FontMissing(PrinterError):
    code = "font_missing"
    message = "找不到打印中文所需的字体，请安装中文字体或检查字体配置。"
