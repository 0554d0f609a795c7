"""``bangban hall``: a hall set up from a script, with the setup pages' own rules and audit.

    bangban hall create --code zc --name 淄川区政务服务中心 --level county [--parent CODE]
    bangban hall queue  --hall zc --prefix A --name 综合帮办 --type help [--area 帮办代办专区]
    bangban hall window --hall zc --number 1 --name 帮办代办1号窗 --queues A,B [--area 帮办代办专区]
    bangban hall import --hall zc 事项清单.xlsx
    bangban hall export --hall zc --out 事项清单.xlsx

An ``--area`` that does not exist yet is made (its kind from its name: 专区, 分区 …).
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

HALL_LEVELS = {"city": "市", "county": "县", "township": "乡镇（街道）", "village": "村（社区）"}
LEVEL_BELOW = {"city": "county", "county": "township", "township": "village"}


class HallError(ValueError):
    """A message for the person at the console (``kiosk.commands.cli`` prints it and exits 2)."""


def _hall(db, code: str):
    from kiosk.server.models import Hall

    hall = db.scalar(select(Hall).where(Hall.code == code))
    if hall is None:
        raise HallError(f"没有编码为 {code} 的大厅，请先用 bangban hall create 创建")
    return hall


def create(database, code: str, name: str, level: str, parent: str | None = None, phone: str = "",
           address: str = "") -> None:
    from kiosk.server.models import AuditEntry, Hall
    from kiosk.server.timeutil import utcnow

    if not re.fullmatch(r"[0-9A-Za-z_-]{1,32}", code):
        raise HallError("大厅编码只能用英文字母、数字、- 和 _，最多 32 个")
    if not name.strip() or len(name) > 100:
        raise HallError("请填写大厅名称（最多 100 字）")
    if level not in HALL_LEVELS:
        raise HallError(f"层级须为 {'、'.join(f'{k}（{v}）' for k, v in HALL_LEVELS.items())} 之一")
    with database.write() as db:
        if db.scalar(select(Hall.id).where(Hall.code == code)):
            raise HallError(f"编码 {code} 已被其他大厅使用")
        parent_id = None
        if parent:
            above = _hall(db, parent)
            if LEVEL_BELOW.get(above.level) != level:
                raise HallError(f"{above.name}是{HALL_LEVELS[above.level]}级，其下级应为"
                                f"{HALL_LEVELS.get(LEVEL_BELOW.get(above.level), '（无）')}级")
            parent_id = above.id
        hall = Hall(code=code, name=name.strip(), level=level, parent_id=parent_id, phone=phone, address=address, hours={})
        db.add(hall)
        db.flush()
        db.add(AuditEntry(hall_id=hall.id, at=utcnow(), action="setup.hall.create",
                          detail={"by": "console", "summary": f"创建大厅：{hall.name}（{code}）"}))


def _area(db, editor, hall_id: int, name: str | None) -> int | None:
    from kiosk.server import hall_setup
    from kiosk.server.models import Area
    from kiosk.wire.setup import AreaSpec

    if not name:
        return None
    found = db.scalar(select(Area.id).where(Area.hall_id == hall_id, Area.name == name))
    if found:
        return found
    kind = "special" if "专区" in name else "self_service" if "自助" in name else "online" if "网办" in name \
        else "division" if "分区" in name else "window"
    return hall_setup.save_area(db, editor, hall_id, AreaSpec(name=name, kind=kind)).id


def _checked(model, **fields):
    from pydantic import ValidationError

    from kiosk.server.supervisor.forms import field_errors

    try:
        return model(**fields)
    except ValidationError as exc:
        raise HallError("；".join(field_errors(exc, {}).values())) from None


def _api(work):
    """The setup service's refusals (ApiError) as the console's."""
    from kiosk.server.errors import ApiError

    try:
        return work()
    except ApiError as exc:
        raise HallError(exc.message) from None


def add_queue(database, hall: str, prefix: str, name: str, service_type: str, area: str | None) -> None:
    from kiosk.server import hall_setup
    from kiosk.wire.setup import QueueSpec

    with database.write() as db:
        hall_id = _hall(db, hall).id
        area_id = _area(db, hall_setup.CONSOLE, hall_id, area)
        spec = _checked(QueueSpec, prefix=prefix, name=name, service_type=service_type, area_id=area_id)
        _api(lambda: hall_setup.save_queue(db, hall_setup.CONSOLE, hall_id, spec))


def add_window(database, hall: str, number: int, name: str, queues: str, area: str | None) -> None:
    from kiosk.server import hall_setup
    from kiosk.server.models import Queue
    from kiosk.wire.setup import WindowSpec

    with database.write() as db:
        hall_id = _hall(db, hall).id
        by_prefix = dict(db.execute(select(Queue.prefix, Queue.id).where(Queue.hall_id == hall_id)).all())
        wanted = [p.strip().upper() for p in re.split(r"[,，、 ]+", queues) if p.strip()]
        missing = [p for p in wanted if p not in by_prefix]
        if missing:
            raise HallError(f"没有前缀为 {'、'.join(missing)} 的队列，请先用 bangban hall queue 新增")
        area_id = _area(db, hall_setup.CONSOLE, hall_id, area)
        spec = _checked(WindowSpec, number=number, name=name, area_id=area_id, queue_ids=[by_prefix[p] for p in wanted])
        _api(lambda: hall_setup.save_window(db, hall_setup.CONSOLE, hall_id, spec))


def import_file(database, hall: str, path: Path) -> str:
    from kiosk.server import catalogue_import
    from kiosk.server.hall_setup import CONSOLE

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HallError(f"无法读取文件 {path}：{exc.strerror}") from None
    try:
        with database.write() as db:
            result = _api(lambda: catalogue_import.apply(db, CONSOLE, _hall(db, hall).id, data, path.name))
    except catalogue_import.ImportRefused as exc:
        lines = "\n".join(f"  {e}" for e in exc.errors)
        raise HallError(f"{path.name} 有 {len(exc.errors)} 处错误，整个文件未导入：\n{lines}") from None
    return result.summary


def export_file(database, hall: str, path: Path) -> int:
    from kiosk.server import catalogue_import

    fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    with database.read() as db:
        hall_id = _hall(db, hall).id
        path.write_bytes(catalogue_import.export(db, hall_id, fmt))
        return len(catalogue_import.export_rows(db, hall_id))


def run(args, database) -> int:
    if args.hall_action == "create":
        create(database, args.code, args.name, args.level, args.parent, args.phone or "", args.address or "")
        print(f"已创建大厅 {args.name}（{args.code}）")
    elif args.hall_action == "queue":
        add_queue(database, args.hall, args.prefix, args.name, args.type, args.area)
        print(f"已新增队列 {args.prefix.upper()} {args.name}")
    elif args.hall_action == "window":
        add_window(database, args.hall, args.number, args.name, args.queues, args.area)
        print(f"已新增 {args.number} 号窗口 {args.name}")
    elif args.hall_action == "import":
        print(f"已导入 {args.file}：{import_file(database, args.hall, Path(args.file))}")
    else:
        count = export_file(database, args.hall, Path(args.out))
        print(f"已导出 {count} 个事项到 {args.out}")
    return 0


def add_parser(sub, common, handler) -> None:
    """``bangban hall ...``; ``handler(args)`` opens the database and calls ``run``."""
    hall = sub.add_parser("hall", help="set up a hall from a script: create it, its queues, windows, 事项清单")
    actions = hall.add_subparsers(dest="hall_action", required=True)
    create_ = actions.add_parser("create", parents=[common], help="create an empty hall")
    create_.add_argument("--code", required=True)
    create_.add_argument("--name", required=True)
    create_.add_argument("--level", required=True, choices=list(HALL_LEVELS))
    create_.add_argument("--parent", help="the code of the hall one level up")
    create_.add_argument("--phone")
    create_.add_argument("--address")
    queue = actions.add_parser("queue", parents=[common], help="add a queue")
    queue.add_argument("--hall", required=True)
    queue.add_argument("--prefix", required=True)
    queue.add_argument("--name", required=True)
    queue.add_argument("--type", default="help", choices=["help", "proxy", "consult"])
    queue.add_argument("--area")
    window = actions.add_parser("window", parents=[common], help="add a window")
    window.add_argument("--hall", required=True)
    window.add_argument("--number", required=True, type=int)
    window.add_argument("--name", required=True)
    window.add_argument("--queues", default="", help="queue prefixes, e.g. A,B")
    window.add_argument("--area")
    imp = actions.add_parser("import", parents=[common], help="import a 事项清单 (.xlsx or .csv)")
    imp.add_argument("--hall", required=True)
    imp.add_argument("file")
    exp = actions.add_parser("export", parents=[common], help="export the 事项清单 (.xlsx or .csv)")
    exp.add_argument("--hall", required=True)
    exp.add_argument("--out", required=True)
    for parser in (create_, queue, window, imp, exp):
        parser.set_defaults(func=handler)
