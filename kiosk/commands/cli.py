"""The ``bangban`` command: one entry point for the server, the terminals and the admin tasks."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk.config import roles
from kiosk.config.roles import DEFAULT_SERVER, ROLES, Role
from kiosk.config.server import Settings, SettingsError, load_settings


def _config_file(args) -> str | None:
    return getattr(args, "config", None) or os.environ.get("BANGBAN_CONFIG") or None


def _settings(args) -> Settings:
    """The server's settings: its file, the environment, then this command's options."""
    return load_settings(_config_file(args), **{key.partition(".")[2]: value for key, value
                                               in roles.options_of(args, "server").items()})


def _terminal(args, role: str) -> Role:
    """A terminal's settings, with everything it cannot start without."""
    return roles.load(_config_file(args), role, roles.options_of(args, role)).require()


def _as_written(section) -> dict | None:
    """A device's section as the file gave it (a key left out keeps the device's own default)."""
    return None if section is None else section.model_dump(exclude_unset=True)


def _size(section) -> dict:
    """``size=`` for a terminal's run() when its settings name one; its own default otherwise."""
    return {"size": section.size} if section.size else {}


def _database(settings: Settings):
    from kiosk.server.db import Database, migrate

    migrate(settings.database_url)
    return Database(settings.database_url)


def cmd_server(args) -> int:
    import uvicorn

    settings = _settings(args)
    options = dict(host=settings.host, port=settings.port, log_level=args.log_level,
                   timeout_graceful_shutdown=2, access_log=False)
    if args.workers > 1 and not settings.database_url.startswith("postgresql"):
        raise SettingsError("多个服务进程（--workers）只能用于 PostgreSQL：SQLite 的事件通知只在一个进程内")
    if args.workers > 1:
        # each worker builds the app from the same file and options, passed through the environment
        config = _config_file(args)
        os.environ.update({"BANGBAN_DATA": str(settings.data_dir), "BANGBAN_DB": settings.database_url,
                           **({"BANGBAN_CONFIG": str(Path(config).resolve())} if config else {})})
        from kiosk.server.db import migrate

        migrate(settings.database_url)
        uvicorn.run("kiosk.server.main:app_from_env", factory=True, workers=args.workers, **options)
    else:
        from kiosk.server.app import create_app

        uvicorn.run(create_app(settings), **options)
    return 0


def cmd_migrate(args) -> int:
    from kiosk.server.db import migrate

    migrate(_settings(args).database_url)
    print("数据库已升级到最新版本")
    return 0


def cmd_seed_demo(args) -> int:
    from kiosk.server.admin import seed_demo

    created = seed_demo(_database(_settings(args)))
    print("示范大厅已创建" if created else "示范大厅已存在，未作改动")
    return 0


def cmd_helper_add(args) -> int:
    from kiosk.server.admin import add_helper

    add_helper(_database(_settings(args)), args.code, args.name, args.pin, args.role, args.hall)
    print(f"已添加帮办代办员 {args.code} {args.name}")
    return 0


def cmd_device_add(args) -> int:
    from kiosk.server.admin import add_device

    token = add_device(_database(_settings(args)), args.kind, args.name, args.window, args.hall)
    print(token)
    print("请妥善保存以上令牌：它只显示这一次", file=sys.stderr)
    return 0


def cmd_hall(args) -> int:
    from kiosk.commands import hall as hall_cli

    return hall_cli.run(args, _database(_settings(args)))


def cmd_window(args) -> int:
    from kiosk.ui import window_terminal

    config = _terminal(args, "window")
    number = config.window.number
    window_terminal.run(config.client.server, config.client.token, number, config.data_dir / f"window{number}",
                        fullscreen=args.fullscreen or config.window.fullscreen,
                        printer_config=_as_written(config.printer), camera_config=_as_written(config.camera),
                        hall_name=config.hall.name, **_size(config.window))
    return 0


def cmd_kiosk(args) -> int:
    from kiosk.ui import kiosk_app

    config = _terminal(args, "kiosk")
    options = config.kiosk.model_dump(exclude_unset=True)
    if config.hall.name:
        options.setdefault("hall_name", config.hall.name)
    kiosk_app.run(config.client.server, config.client.token, config.data_dir / "kiosk",
                  printer_config=_as_written(config.printer), camera_config=_as_written(config.camera),
                  fullscreen=not args.windowed, elder_mode=args.elder or options.pop("elder_mode", False),
                  language=config.hall.language, **options)
    return 0


def cmd_display(args) -> int:
    from kiosk.ui import hall_display

    config = _terminal(args, "display")
    speech = None
    if config.speech is not None:
        from devices.speech import SpeechSettings

        # the cache beside the display's other files: under systemd the home directory is read-only
        speech = SpeechSettings.from_mapping({"cache_dir": config.data_dir / "display" / "speech-cache",
                                              **_as_written(config.speech)})
    hall_display.run(config.client.server, config.client.token, config.data_dir / "display",
                     fullscreen=not args.windowed and config.display.fullscreen,
                     speech_settings=speech, notice=config.display.notice or None, **_size(config.display),
                     language=config.hall.language)
    return 0


def cmd_backup(args) -> int:
    from kiosk.commands.backup import backup

    print(backup(_settings(args), Path(args.out) if args.out else None))
    return 0


def cmd_restore(args) -> int:
    from kiosk.commands.backup import restore

    restore(_settings(args), Path(args.archive), force=args.force)
    print("已恢复；请启动服务器（bangban server），它会按需升级数据库")
    return 0


def cmd_doctor(args) -> int:
    import json

    from kiosk.commands import doctor

    role = args.role or (Path(args.config).stem if args.config else None)
    if args.config and role not in ROLES:
        raise SettingsError(f"请用 --role 说明 {args.config} 是哪种机器的配置：{'、'.join(ROLES)}")
    finding, config = doctor.check_config(args.config, role)
    checks = [lambda: finding]
    if isinstance(config, roles.ServerRole):
        settings = load_settings(args.config)  # as the server reads it: the file and its environment
        checks.append(lambda: doctor.check_working_days(settings))
        checks.append(lambda: doctor.check_hall_links(settings))
        server, token = args.server or f"http://127.0.0.1:{settings.port}", args.token
    else:
        # this machine's client settings as its program reads them: the file, BANGBAN_TOKEN, the options
        try:
            client = roles.load(args.config if config else None,
                                         role if config else roles.TerminalRole,
                                         {"client.server": args.server, "client.token": args.token}).client
        except roles.ConfigError as exc:
            given = doctor.Finding("命令行与环境变量", False, "；".join(exc.problems))
            checks.append(lambda: given)
            client = roles.ClientSection(server=args.server or DEFAULT_SERVER)
        server, token = client.server, client.token
    printer = json.loads(args.printer) if args.printer else _as_written(getattr(config, "printer", None))
    camera = args.camera or _as_written(getattr(config, "camera", None)) or {}
    camera = camera if isinstance(camera, str) else camera.get("file", camera.get("device"))
    pad = args.pad or (config.pad.port if isinstance(config, roles.PadRole) else None)
    language = getattr(getattr(config, "hall", None), "language", "zh")
    findings, healthy = doctor.run([
        *checks, lambda: doctor.check_server(server, token), doctor.check_clock_sync,
        doctor.check_fonts, lambda: doctor.check_mongolian(language), lambda: doctor.check_printer(printer),
        lambda: doctor.check_camera(None if camera is None else str(camera)),
        lambda: doctor.check_pad(pad)])
    print(doctor.report(findings))
    return 0 if healthy else 1


def cmd_check_config(args) -> int:
    roles.check_file(args.role, args.file)
    print(f"{args.file} 正确（{roles.ROLE_NAMES[args.role]}的配置）")
    return 0


def cmd_demo(args) -> int:
    from kiosk.commands.demo import Demo

    return Demo(_settings(args)).run()


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="数据目录（SQLite 数据库与采集文件）")
    common.add_argument("--db", help="数据库地址，如 postgresql+psycopg://user@host/db")
    common.add_argument("--config", help="TOML 配置文件")

    parser = argparse.ArgumentParser(prog="bangban", description="帮办代办 kiosk and queue system")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_module, summary) in FORWARDED.items():
        sub.add_parser(name, help=summary, add_help=False)

    server = sub.add_parser("server", parents=[common], help="run the central server")
    server.add_argument("--host")
    server.add_argument("--port", type=int)
    server.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL only)")
    server.add_argument("--log-level", default="warning")
    server.set_defaults(func=cmd_server)

    demo = sub.add_parser("demo", parents=[common], help="run the demo hall on this machine")
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)
    demo.set_defaults(func=cmd_demo)

    terminal = argparse.ArgumentParser(add_help=False, parents=[common])
    terminal.add_argument("--server", help=f"服务器地址（默认取配置 [client] server，否则 {DEFAULT_SERVER}）")
    terminal.add_argument("--token", help="设备令牌（也可用环境变量 BANGBAN_TOKEN）")
    window = sub.add_parser("window", parents=[terminal], help="run a window terminal")
    window.add_argument("--window", type=int, help="窗口号（也可写在配置 [window] number）")
    window.add_argument("--fullscreen", action="store_true")
    window.add_argument("--size", help="window size when windowed, e.g. 1280x800")
    window.set_defaults(func=cmd_window)
    kiosk = sub.add_parser("kiosk", parents=[terminal], help="run the citizen kiosk")
    kiosk.add_argument("--windowed", action="store_true", help="不全屏（调试用）")
    kiosk.add_argument("--elder", action="store_true", help="适老模式（更大的字、语音提示）")
    kiosk.add_argument("--size", help="window size when windowed, e.g. 1080x1920")
    kiosk.set_defaults(func=cmd_kiosk)
    display = sub.add_parser("display", parents=[terminal], help="run the hall display")
    display.add_argument("--windowed", action="store_true", help="不全屏（调试用）")
    display.add_argument("--size", help="window size when windowed, e.g. 1920x1080")
    display.set_defaults(func=cmd_display)

    backup = sub.add_parser("backup", parents=[common], help="back up a SQLite hall (online)")
    backup.add_argument("--out", help="the .tar.gz to write (default: DATA/backups/bangban-TIME.tar.gz)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", parents=[common], help="restore a backup into the data directory")
    restore.add_argument("archive")
    restore.add_argument("--force", action="store_true", help="overwrite an existing database")
    restore.set_defaults(func=cmd_restore)

    doctor = sub.add_parser("doctor", help="check this machine: server, token, devices, fonts, clock")
    doctor.add_argument("--config", default=os.environ.get("BANGBAN_CONFIG"),
                        help="this machine's TOML: checked, and where the server, token and devices are read from")
    doctor.add_argument("--role", choices=ROLES, help="which machine the config is for (default: the file's name)")
    doctor.add_argument("--server", help=f"default: the config's [client] server, else {DEFAULT_SERVER}")
    doctor.add_argument("--token", help="this machine's device token (or BANGBAN_TOKEN)")
    doctor.add_argument("--printer", help='printer config as JSON, e.g. {"backend": "network", "host": "..."}')
    doctor.add_argument("--camera", help="camera device index or a video file")
    doctor.add_argument("--pad", help="rating pad port, e.g. /dev/bangban-pad3")
    doctor.set_defaults(func=cmd_doctor)

    check = sub.add_parser("check-config", help="check one machine's TOML configuration, every mistake named")
    check.add_argument("role", choices=ROLES)
    check.add_argument("file")
    check.set_defaults(func=cmd_check_config)

    sub.add_parser("migrate", parents=[common], help="upgrade the database schema").set_defaults(func=cmd_migrate)
    sub.add_parser("seed-demo", parents=[common], help="create the demo hall").set_defaults(func=cmd_seed_demo)

    helper = sub.add_parser("helper", help="manage helpers").add_subparsers(dest="action", required=True)
    add = helper.add_parser("add", parents=[common])
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--pin", required=True)
    add.add_argument("--role", default="helper")
    add.add_argument("--hall", help="hall code (default: the demo county hall)")
    add.set_defaults(func=cmd_helper_add)

    device = sub.add_parser("device", help="manage device tokens").add_subparsers(dest="action", required=True)
    dev = device.add_parser("add", parents=[common])
    dev.add_argument("--kind", required=True, help="kiosk, display, pad, window, admin or hall_server")
    dev.add_argument("--name", required=True)
    dev.add_argument("--window", type=int)
    dev.add_argument("--hall")
    dev.set_defaults(func=cmd_device_add)

    from kiosk.commands.hall import add_parser as add_hall_parser

    add_hall_parser(sub, common, cmd_hall)
    return parser


# Commands whose programs parse their own options (their --help says what they take).
FORWARDED = {
    "pad": ("kiosk.padbridge.__main__", "the rating pad bridge of one window"),
    "pad-sim": ("devices.ratepad.simulator", "a virtual rating pad on a pty"),
    "printer-sim": ("devices.printer.simulator", "a network receipt printer that renders PNGs"),
    "say": ("devices.speech.__main__", "speak calls, or keep them as WAV files"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in FORWARDED:
        import importlib

        sys.argv = [f"bangban {argv[0]}", *argv[1:]]
        return importlib.import_module(FORWARDED[argv[0]][0]).main(argv[1:]) or 0
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # AdminError and friends: a message for the person at the console
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
