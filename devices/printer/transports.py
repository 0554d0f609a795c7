"""Byte pipes to a printer: network, serial, usb, file.

Each wraps python-escpos's backend class for opening and writing; each says
whether it can run here (`is_usable`) and whether it can read a status reply.
They carry bytes only: what the bytes mean is the encoders' business.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import ClassVar

from escpos import printer as escpos_printer
from escpos.exceptions import DeviceNotFoundError

from .config import PrinterConfig
from .errors import BackendUnavailable, PrinterNotResponding, PrinterUnreachable, PrintInterrupted



def _escpos_chatter(record: logging.LogRecord) -> bool:
    """python-escpos logs every open and close at INFO on the root logger; a kiosk asks its printer's
    state every few seconds, so those lines would bury the log. Its warnings and errors stay."""
    return record.levelno >= logging.WARNING or f"{os.sep}escpos{os.sep}" not in record.pathname


logging.getLogger().addFilter(_escpos_chatter)


class Transport:
    name: ClassVar[str]
    can_read: ClassVar[bool]
    escpos_class: ClassVar[type]

    def __init__(self, device):
        self._device = device  # a python-escpos printer object, used only as a pipe
        self.target = ""

    @classmethod
    def is_usable(cls) -> bool:
        return cls.escpos_class.is_usable()

    def open(self) -> None:
        try:
            self._device.open()
        except (DeviceNotFoundError, OSError) as exc:
            raise PrinterUnreachable(f"{self.name} {self.target}: {exc}") from exc

    def write(self, data: bytes) -> None:
        try:
            self._device._raw(data)
        except OSError as exc:
            raise PrintInterrupted(f"{self.name} {self.target}: {exc}") from exc

    def read_byte(self) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        try:
            self._device.close()
        except OSError:
            pass


class NetworkTransport(Transport):
    name = "network"
    can_read = True
    escpos_class = escpos_printer.Network

    def __init__(self, config: PrinterConfig):
        super().__init__(self.escpos_class(config.host, config.port, timeout=config.timeout_s))
        self.target = f"{config.host}:{config.port}"

    def open(self) -> None:
        super().open()
        # Small writes (status queries) must not wait for the printer's delayed ACK.
        self._device.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def read_byte(self) -> bytes:
        try:
            data = self._device.device.recv(1)
        except socket.timeout:
            raise PrinterNotResponding(self.target) from None
        except OSError as exc:
            raise PrinterUnreachable(f"{self.target}: {exc}") from exc
        if not data:
            raise PrinterUnreachable(f"{self.target}: connection closed by printer")
        return data


class SerialTransport(Transport):
    name = "serial"
    can_read = True
    escpos_class = escpos_printer.Serial

    def __init__(self, config: PrinterConfig):
        device = self.escpos_class(
            config.device, baudrate=config.baudrate, timeout=config.timeout_s, dsrdtr=False
        )
        super().__init__(device)
        self.target = config.device

    def read_byte(self) -> bytes:
        # escpos' own _read waits for 16 bytes; a status reply is one.
        data = self._device.device.read(1)
        if not data:
            raise PrinterNotResponding(self.target)
        return data


class UsbTransport(Transport):
    name = "usb"
    can_read = True
    escpos_class = escpos_printer.Usb

    def __init__(self, config: PrinterConfig):
        device = self.escpos_class(
            config.usb_vendor, config.usb_product, timeout=int(config.timeout_s * 1000)
        )
        super().__init__(device)
        self.target = f"{config.usb_vendor:04x}:{config.usb_product:04x}"

    def read_byte(self) -> bytes:
        try:
            data = bytes(self._device._read())
        except Exception as exc:  # pyusb raises its own USBError / USBTimeoutError
            raise PrinterNotResponding(f"{self.target}: {exc}") from exc
        if not data:
            raise PrinterNotResponding(self.target)
        return data[:1]


class FileTransport(Transport):
    """A device node or a plain file: write-only, so no status and no confirmation."""

    name = "file"
    can_read = False
    escpos_class = escpos_printer.File

    def __init__(self, config: PrinterConfig):
        super().__init__(self.escpos_class(config.path))
        self.target = config.path

    def write(self, data: bytes) -> None:
        super().write(data)
        try:
            self._device.flush()
        except OSError as exc:
            raise PrintInterrupted(f"file {self.target}: {exc}") from exc


TRANSPORTS: dict[str, type[Transport]] = {
    cls.name: cls for cls in (NetworkTransport, SerialTransport, UsbTransport, FileTransport)
}


def transport_for(config: PrinterConfig) -> Transport:
    cls = TRANSPORTS[config.backend]
    if not cls.is_usable():
        raise BackendUnavailable(
            f"backend {config.backend!r} needs a library that is not installed here"
        )
    return cls(config)
