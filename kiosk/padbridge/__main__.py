"""`python -m kiosk.padbridge --window 3 --port /dev/ttyUSB0 --server URL --token TOKEN --data DIR`

The same arguments `bangban pad` takes; the token may also come from BANGBAN_TOKEN.
"""

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from devices.ratepad import parse_key_map

from .bridge import run_bridge


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bangban pad", description="窗口评价器桥：把评价器按键送到服务器")
    parser.add_argument("--window", type=int, required=True, help="窗口号")
    parser.add_argument("--port", required=True, help="串口：/dev/ttyUSB0、pty 路径或 loop://")
    parser.add_argument("--server", default="http://127.0.0.1:8080", help="服务器地址")
    parser.add_argument("--token", default=os.environ.get("BANGBAN_TOKEN"), help="评价器令牌（bangban device add --kind pad）")
    parser.add_argument("--data", default=".", help="存放本地评价暂存库的目录")
    parser.add_argument("--timeout", type=float, default=60.0, help="等待评价的秒数，超时不评价")
    parser.add_argument("--simple-keys", metavar="KEYMAP", help="单字节评价器的按键映射，如 ascii 或 0x31=1,0x32=2,...")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("缺少令牌：请用 --token 或环境变量 BANGBAN_TOKEN 提供")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    outbox = Path(args.data) / f"ratepad-outbox-window{args.window}.sqlite3"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # systemd stops us with SIGTERM: shut down cleanly
    run_bridge(args.window, args.port, args.server, args.token, str(outbox), rating_timeout_s=args.timeout,
               key_map=parse_key_map(args.simple_keys) if args.simple_keys else None, stop=stop)


if __name__ == "__main__":
    main()
