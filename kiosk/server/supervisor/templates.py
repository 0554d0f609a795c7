"""The supervisor pages' Jinja2 templates: the ``templates`` folder of this package, found
through the installed package, every value escaped unless it is already ``Markup``.

A page template extends ``page.html`` (the signed-in frame: the hall, the supervisor, the
tabs) and fills its ``content`` block; ``ui.html`` holds the pieces pages share: notices,
tables, stat tiles, hall and option choices, form fields with their errors, the pager.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

from kiosk.domain.roles import role_name
from kiosk.server.auth import SUPERVISOR_ROLES
from kiosk.server.supervisor.sessions import READER_PAGES

NAV = [("overview", "大厅概况"), ("ledger", "台账"), ("cases", "到期代办件"),
       ("follow-ups", "回访整改"), ("figures", "统计"), ("bookings", "预约与上门"),
       ("complaints", "投诉诉求"), ("return-visits", "随机回访"), ("assessment", "考核"),
       ("setup", "大厅设置"), ("staff", "人员名册")]


def nav_for(role: str) -> list[tuple[str, str]]:
    """The tabs a role may open: a liaison only the figures and the ledger."""
    return NAV if role in SUPERVISOR_ROLES else [(k, n) for k, n in NAV if k in READER_PAGES]


class Compact(Extension):
    """Line breaks and indentation are for the template's reader. Beside a tag or a template
    statement they vanish; inside a tag (between attributes) they are one space. A space the
    page needs is written on the line."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        source = re.sub(r"(?<=[>}])[ \t]*\n\s*|[ \t]*\n\s*(?=[<{])", "", source)
        return re.sub(r"[ \t]*\n\s*", " ", source)


@dataclass(frozen=True)
class Marked:
    """A table cell's text with a class saying what it is (``late``, ``soon``, ``log``)."""
    text: str
    cls: str


def when(iso_text: str | None) -> str:
    """``2026-11-23T10:15:00+08:00`` as ``2026-11-23 10:15``."""
    if not iso_text:
        return "—"
    return datetime.fromisoformat(iso_text).strftime("%Y-%m-%d %H:%M")


def minutes(value) -> str:
    return "—" if value is None else f"{value:g} 分钟"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def waited(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60:02d} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("kiosk.server.supervisor", "templates"), autoescape=True,
                      undefined=StrictUndefined, extensions=[Compact])
    env.filters.update(when=when, minutes=minutes, percent=percent, waited=waited)
    env.tests["marked"] = lambda value: isinstance(value, Marked)
    env.globals.update(NAV=NAV, nav_for=nav_for, role_name=role_name)
    return env


ENV = _environment()


def render(name: str, **context) -> Markup:
    """The template ``name`` filled in: a whole page, or a fragment (the overview's live part)."""
    return Markup(ENV.get_template(name).render(**context).strip())
