"""`python -m kiosk.padbridge --window 3 --port /dev/ttyUSB0 --server URL --token TOKEN --data DIR`

The same arguments `bangban pad` takes; each may also come from the pad role's TOML (`--config`,
or BANGBAN_CONFIG), the token also from BANGBAN_TOKEN: kiosk.config.roles's PadRole.
"""

import argparse
import logging
import os
import signal
import sys
import threading

from devices.ratepad import parse_key_map
from kiosk.config import roles
from kiosk.config.roles import ConfigError, PadRole

from .bridge import run_bridge


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bangban pad", description="窗口评价器桥：把评价器按键送到服务器")
    parser.add_argument("--config", default=os.environ.get("BANGBAN_CONFIG"),
                        help="本机评价器的 TOML 配置（[client] 与 [pad] 两段）；命令行参数优先")
    parser.add_argument("--window", type=int, help="窗口号")
    parser.add_argument("--port", help="串口：/dev/ttyUSB0、pty 路径或 loop://")
    parser.add_argument("--server", help=f"服务器地址（默认 {roles.DEFAULT_SERVER}）")
    parser.add_argument("--token", help="评价器令牌（bangban device add --kind pad；也可用环境变量 BANGBAN_TOKEN）")
    parser.add_argument("--data", help="存放本地评价暂存库的目录（默认 data）")
    parser.add_argument("--timeout", type=float, help="等待评价的秒数，超时不评价（默认 60）")
    parser.add_argument("--simple-keys", metavar="KEYMAP", help="单字节评价器的按键映射，如 ascii 或 0x31=1,0x32=2,...")
    return parser.parse_args(argv)


def configure(argv: list[str] | None) -> tuple[PadRole, dict[int, int] | None]:
    """The bridge's settings and its key map (None: a framed pad); ConfigError names every mistake."""
    args = _options(argv)
    config = roles.load(args.config, "pad", roles.options_of(args, "pad")).require()
    keys = config.pad.simple_keys
    try:
        return config, parse_key_map(keys) if keys else None
    except ValueError as exc:
        raise ConfigError("命令行与配置文件", [f"按键映射 {keys!r} 不正确：{exc}"]) from None


def main(argv: list[str] | None = None) -> None:
    try:
        config, key_map = configure(argv)
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        sys.exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # systemd stops us with SIGTERM: shut down cleanly
    run_bridge(config, key_map=key_map, stop=stop)


if __name__ == "__main__":
    main()
