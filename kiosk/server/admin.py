"""Admin commands on the server's machine: seed the demo hall, add helpers and devices."""
from __future__ import annotations

from sqlalchemy import inspect, select

from kiosk.domain.words_mn import matter_name_mn
from kiosk.server import demo_hall as demo
from kiosk.domain.roles import HELPER_ROLES
from kiosk.server.auth import DEVICE_KINDS, hash_pin, new_token
from kiosk.server.db import Database
from kiosk.server.models import Area, AuditEntry, Device, Hall, Helper, Matter, Queue, Window, WindowQueue
from kiosk.server.timeutil import utcnow


class AdminError(ValueError):
    pass


def initials(name: str) -> str:
    """Pinyin initials ("企业设立登记" -> "qysldj"), for searching on the kiosk keyboard."""
    # imported here: loading pypinyin's dictionaries was a third of the server's start, for a
    # word needed only when matters are set up
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def _hall(db, code: str | None) -> Hall:
    hall = db.scalar(select(Hall).where(Hall.code == (code or demo.DEMO_HALL)))
    if hall is None:
        raise AdminError(f"没有编码为 {code or demo.DEMO_HALL} 的大厅，请先运行 bangban seed-demo 或创建大厅")
    return hall


def _audit_console(db, hall_id: int, action: str, **detail) -> None:
    db.add(AuditEntry(hall_id=hall_id, at=utcnow(), action=action, detail={"by": "console", **detail}))


def seed_demo(database: Database) -> bool:
    """Create the demo hall tree once; returns False when it is already there."""
    with database.write() as db:
        if db.scalar(select(Hall).where(Hall.code == demo.DEMO_HALL)):
            return False
        halls: dict[str, Hall] = {}
        for code, name, level, parent in demo.HALLS:
            halls[code] = Hall(code=code, name=name, level=level, phone=demo.HALL_PHONE,
                               parent_id=halls[parent].id if parent else None)
            db.add(halls[code])
            db.flush()
        hall = halls[demo.DEMO_HALL]
        areas = {name: Area(hall_id=hall.id, name=name, kind=kind) for name, kind in demo.AREAS}
        db.add_all(areas.values())
        db.flush()
        queues = {p: Queue(hall_id=hall.id, prefix=p, name=n, service_type=t, area_id=areas[a].id)
                  for p, n, t, a in demo.QUEUES}
        db.add_all(queues.values())
        db.flush()
        for number, name, area, prefixes in demo.WINDOWS:
            window = Window(hall_id=hall.id, number=number, name=name, area_id=areas[area].id)
            db.add(window)
            db.flush()
            db.add_all(WindowQueue(window_id=window.id, queue_id=queues[p].id) for p in prefixes)
        for name, cat, dept, days, prefix, proxy, high, materials, steps in demo.MATTERS:
            db.add(Matter(hall_id=hall.id, queue_id=queues[prefix].id, name=name, category=cat,
                          department=dept, time_limit_days=days, steps=steps, materials=materials,
                          address=f"{hall.name}{queues[prefix].name}窗口", phone=demo.HALL_PHONE,
                          proxy_allowed=proxy, high_frequency=high, search_key=initials(name)))
        for code, name, role, phone, skills in demo.HELPERS:
            db.add(Helper(hall_id=hall.id, code=code, name=name, role=role, phone=phone, skills=skills,
                          pin_hash=hash_pin(demo.DEMO_PIN)))
        _name_demo_matters_in_mongolian(db, hall.id)
    return True


def _name_demo_matters_in_mongolian(db, hall_id: int) -> None:
    """A few demo matters carry a Mongolian name (words_mn). The migration tests seed the demo into
    the schema of an older revision, which has no such column: there the names are left out."""
    if "name_mn" not in {c["name"] for c in inspect(db.connection()).get_columns("matters")}:
        return
    for matter in db.scalars(select(Matter).where(Matter.hall_id == hall_id)):
        if (name := matter_name_mn(matter.name)) is not None:
            matter.name_mn = name


def add_helper(database: Database, code: str, name: str, pin: str, role: str = "helper",
               hall_code: str | None = None) -> None:
    if role not in HELPER_ROLES:
        raise AdminError(f"角色须为 {', '.join(HELPER_ROLES)} 之一")
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise AdminError("密码须为 4 到 12 位数字")
    with database.write() as db:
        hall = _hall(db, hall_code)
        if db.scalar(select(Helper).where(Helper.hall_id == hall.id, Helper.code == code)):
            raise AdminError(f"工号 {code} 已存在")
        db.add(Helper(hall_id=hall.id, code=code, name=name, role=role, pin_hash=hash_pin(pin)))
        _audit_console(db, hall.id, "helper.add", code=code, role=role)


def add_device(database: Database, kind: str, name: str, window: int | None = None,
               hall_code: str | None = None) -> str:
    """Returns the token; only its hash is stored, so this is the one time it is shown."""
    if kind not in DEVICE_KINDS:
        raise AdminError(f"设备类型须为 {', '.join(DEVICE_KINDS)} 之一")
    if kind == "pad" and window is None:
        raise AdminError("评价器必须指定所属窗口（--window N）")
    with database.write() as db:
        hall = _hall(db, hall_code)
        if window is not None and not db.scalar(
                select(Window).where(Window.hall_id == hall.id, Window.number == window)):
            raise AdminError(f"{hall.name}没有 {window} 号窗口")
        token, digest = new_token("bbd")
        db.add(Device(hall_id=hall.id, kind=kind, name=name, window_number=window,
                      token_hash=digest, created_at=utcnow()))
        _audit_console(db, hall.id, "device.add", kind=kind, name=name, window=window)
    return token
