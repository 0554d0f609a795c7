"""`python -m kiosk.padbridge --window 3 --port /dev/ttyUSB0 --server URL --token TOKEN --data DIR`

The same arguments `bangban pad` takes; each may also come from the pad role's TOML (`--config`),
the token also from BANGBAN_TOKEN.
"""

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from devices.ratepad import parse_key_map
from kiosk import machine_config
from kiosk.machine_config import ConfigError

from .bridge import run_bridge


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bangban pad", description="窗口评价器桥：把评价器按键送到服务器")
    parser.add_argument("--config", default=os.environ.get("BANGBAN_CONFIG"),
                        help="本机评价器的 TOML 配置（[client] 与 [pad] 两段）；命令行参数优先")
    parser.add_argument("--window", type=int, help="窗口号")
    parser.add_argument("--port", help="串口：/dev/ttyUSB0、pty 路径或 loop://")
    parser.add_argument("--server", help="服务器地址（默认 http://127.0.0.1:8080）")
    parser.add_argument("--token", help="评价器令牌（bangban device add --kind pad；也可用环境变量 BANGBAN_TOKEN）")
    parser.add_argument("--data", default=".", help="存放本地评价暂存库的目录")
    parser.add_argument("--timeout", type=float, help="等待评价的秒数，超时不评价（默认 60）")
    parser.add_argument("--simple-keys", metavar="KEYMAP", help="单字节评价器的按键映射，如 ascii 或 0x31=1,0x32=2,...")
    args = parser.parse_args(argv)
    try:
        sections = machine_config.load(args.config, "pad")
    except ConfigError as exc:
        parser.exit(2, f"配置错误：{exc}\n")
    pad, client = sections.get("pad", {}), sections.get("client", {})
    args.window = args.window or pad.get("window")
    args.port = args.port or pad.get("port")
    args.server = args.server or client.get("server", "http://127.0.0.1:8080")
    args.token = args.token or os.environ.get("BANGBAN_TOKEN") or client.get("token")
    args.timeout = args.timeout or pad.get("timeout_s", 60.0)
    args.simple_keys = args.simple_keys or pad.get("simple_keys")
    missing = [what for what, value in (("窗口号（--window 或 [pad] window）", args.window),
                                        ("串口（--port 或 [pad] port）", args.port),
                                        ("令牌（--token、BANGBAN_TOKEN 或 [client] token）", args.token)) if not value]
    if missing:
        parser.error("缺少" + "、".join(missing))
    try:
        args.key_map = parse_key_map(args.simple_keys) if args.simple_keys else None
    except ValueError as exc:
        parser.error(f"按键映射 {args.simple_keys!r} 不正确：{exc}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = _options(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    outbox = Path(args.data) / f"ratepad-outbox-window{args.window}.sqlite3"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # systemd stops us with SIGTERM: shut down cleanly
    run_bridge(args.window, args.port, args.server, args.token, str(outbox), rating_timeout_s=args.timeout,
               key_map=args.key_map, stop=stop)


if __name__ == "__main__":
    main()
