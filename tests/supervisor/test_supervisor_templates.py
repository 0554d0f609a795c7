"""The pieces new supervisor pages are built from: the signed-in frame, the table, form fields
with their errors in Chinese, the pager; and the templates shipped inside the package."""
from __future__ import annotations

import fnmatch
import tomllib
from datetime import date
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

from pydantic import BaseModel, Field, ValidationError, field_validator

from kiosk.server.supervisor import templates
from kiosk.server.supervisor.forms import field_errors
from kiosk.server.supervisor.paging import Paging

HOSTILE = '"><script>alert(1)</script>䶮𠮷'
WHO = SimpleNamespace(hall_name="泰山区政务服务中心", csrf="c" * 64,
                      helper=SimpleNamespace(name="周𠮷", role="chief"))


class Elements(HTMLParser):
    """Every element's attributes, and the text of the page, as a parser we did not write reads them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.words: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.words.append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.found if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    @property
    def text(self) -> str:
        return "".join(self.words)


class StaffForm(BaseModel):  # the kind of form the staff register will post
    name: str = Field(min_length=1, max_length=8)
    code: str = Field(pattern=r"^[0-9]{4}$")
    years: int = Field(ge=0, le=60)
    since: date
    phone: str

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not value.startswith("1"):
            raise ValueError("手机号码应以 1 开头")
        return value


LABELS = {"name": "姓名", "code": "工号", "years": "工龄", "since": "入职日期", "phone": "手机号码"}
POSTED = {"name": "", "code": HOSTILE, "years": "很久", "since": "2026-13-01", "phone": "23900000000"}


def test_a_refused_form_says_what_to_mend_in_chinese_beside_each_field():
    try:
        StaffForm(**POSTED)
    except ValidationError as exc:
        errors = field_errors(exc, LABELS)
    assert errors == {"name": "请填写姓名", "code": "工号的格式不正确", "years": "工龄请填写整数",
                      "since": "入职日期的格式不正确，请写成 2026-11-23", "phone": "手机号码应以 1 开头"}
    long = field_errors(_refusal(name="一二三四五六七八九", code="1234", years="99", since="2026-11-23",
                                 phone="13900000000"), LABELS)
    assert long == {"name": "姓名不能超过 8 个字", "years": "工龄不能大于 60"}

    form = templates.ENV.from_string(
        '{% import "ui.html" as ui %}{{ ui.form_errors(errors, labels) }}<form method="post">'
        '{% for name, label in labels.items() %}{{ ui.field(name, label, posted[name], errors=errors, required=true) }}'
        '{% endfor %}{{ ui.field("note", "备注", "", kind="textarea", errors=errors) }}</form>'
    ).render(errors=errors, labels=LABELS, posted=POSTED)
    page = Elements(form)
    assert "有 5 处需要修改" in page.text and "未完成：" in page.text
    for name, message in errors.items():
        (field,) = page.all("input", name=name)
        assert field["aria-invalid"] == "true" and "required" in field
        (said,) = [a for t, a in page.found if a.get("id") == field["aria-describedby"]]
        assert message in page.text and said["class"] == "field-error"
        assert page.all("a", href=f"#field-{name}")  # the summary links to the field
    assert page.all("input", name="code")[0]["value"] == HOSTILE  # given back as typed, escaped
    assert "<script>" not in form
    (note,) = page.all("textarea", name="note")
    assert "aria-invalid" not in note and "required" not in note


def _refusal(**posted) -> ValidationError:
    try:
        StaffForm(**posted)
    except ValidationError as exc:
        return exc
    raise AssertionError("the form was accepted")


def test_a_new_page_on_the_frame_with_a_table_and_the_pager():
    page = templates.ENV.from_string(
        '{% extends "page.html" %}{% set title, active = "投诉登记", "complaints" %}{% block content %}'
        '{{ ui.table(["编号", "投诉人", "内容"], rows, wrap=(2,)) }}{{ ui.pager(paging, link) }}{% endblock %}'
    ).render(who=WHO, rows=[[1, HOSTILE, None], [2, "刘䶮", "态度 <b>不好</b>"]],
             paging=Paging(page=2, total=120), link=lambda n: f"/supervisor/complaints?page={n}&q=䶮")
    html = Elements(page)
    assert html.all("h1") and "投诉登记 · 帮办代办监督" in html.text and "周𠮷（首席帮办代办员）" in html.text
    assert html.all("input", name="csrf", value=WHO.csrf)  # the sign-out form carries it
    assert len(html.all("td")) == 6 and len(html.all("td", **{"class": "wrap"})) == 2
    assert HOSTILE in html.text and "态度 <b>不好</b>" in html.text and "None" not in html.text
    assert "<script>" not in page and "<b>" not in page
    assert "第 2 / 3 页，共 120 条" in html.text
    assert [a["href"] for a in html.all("a", **{"class": "button"})] == [
        "/supervisor/complaints?page=1&q=䶮", "/supervisor/complaints?page=3&q=䶮"]
    first = templates.ENV.from_string('{% import "ui.html" as ui %}{{ ui.pager(paging, link) }}').render(
        paging=Paging(page=1, total=0), link=str)
    assert Elements(first).text == "第 1 / 1 页，共 0 条"


def test_the_templates_ship_inside_the_package():
    shipped = resources.files("kiosk.server.supervisor") / "templates"
    names = sorted(p.name for p in shipped.iterdir() if p.name.endswith(".html"))
    assert {"base.html", "page.html", "ui.html", "login.html", "chart.html"} <= set(names)
    assert templates.ENV.loader.list_templates() == names  # found through the package, not a path
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["*"]
    assert all(any(fnmatch.fnmatch(name, p) for p in patterns) for name in names)
    assert "jinja2" in " ".join(pyproject["project"]["dependencies"]).lower()
