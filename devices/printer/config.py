"""Printer configuration: plain data, chosen by the hall's settings."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

BACKENDS = ("network", "serial", "usb", "file")


@dataclass
class PrinterConfig:
    backend: str = "network"  # one of BACKENDS
    profile: str = "generic-80-gb18030"  # a key of profiles.json
    host: str = "127.0.0.1"  # network
    port: int = 9100  # network (raw TCP, "JetDirect")
    device: str = "/dev/ttyUSB0"  # serial
    baudrate: int = 19200  # serial
    usb_vendor: int = 0  # usb
    usb_product: int = 0  # usb
    path: str = ""  # file: a device node (/dev/usb/lp0) or a plain file
    timeout_s: float = 3.0  # connect, write and status-reply limit
    fonts: list[str] = field(default_factory=list)  # raster font chain; empty = system defaults

    @classmethod
    def from_dict(cls, data: dict) -> "PrinterConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            # A typo in a hall's config should fail loudly, not print with defaults.
            raise ValueError(f"unknown printer config keys: {sorted(unknown)}")
        config = cls(**data)
        if config.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {config.backend!r}")
        return config
