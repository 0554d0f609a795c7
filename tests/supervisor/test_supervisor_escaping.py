"""Names and notes that look like markup, and rare characters, on every page that shows what
staff or citizens typed: read back by an HTML parser we did not write (the standard library's),
each must come out as the very text typed, and no script but the pages' own may appear."""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import update

from kiosk.server.models import Case, Helper
from kiosk.server.timeutil import local_day, utcnow
from tests.server.api import Api
from tests.supervisor.test_supervisor_browser import _sign_in, chrome  # noqa: F401  (a fixture)
from tests.supervisor.web import CHIEF, PERSON, Web, busy_morning, demo_hall_id, serve

SCRIPT = "<script>alert(1)</script>"
STAFF = SCRIPT + "周𠮷"  # a helper's name, as the staff register may hold it
CITIZEN = SCRIPT + "刘䶮𠮷"  # an applicant's name, as typed at a window
LOG = SCRIPT + "帮助填写䶮𠮷申请表"  # a helper's work log
NOTE = "<b>已回访</b>" + SCRIPT + "𠮷"  # a follow-up's closing note


class Page(HTMLParser):
    """The text a browser would show, and the scripts the document holds."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text, self.scripts, self._in_script = [], [], False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)

    def shows(self, typed: str) -> bool:
        return typed in "".join(self.text)


# where each typed text shows: the staff member's name, the citizen's, the work log
SHOWN = {
    "/supervisor/overview": [STAFF],
    "/supervisor/overview/live": [STAFF],
    "/supervisor/ledger": [STAFF, LOG],
    "/supervisor/ledger?kind=cases": [CITIZEN],
    "/supervisor/cases": [CITIZEN],
    "/supervisor/follow-ups": [LOG],
    "/supervisor/figures": [STAFF],
}


def _own_scripts_only(page: Page) -> None:
    assert all(s in (None, "/supervisor/static/overview.js") for s in page.scripts), page.scripts


def _hostile_morning(server) -> None:
    busy_morning(server)
    with server.database.write() as db:  # names come from the staff register, not the API
        db.execute(update(Helper).where(Helper.code == "1004").values(name=STAFF))
    kiosk = Api(server.url, server.device_token("kiosk"))
    chen = Api(server.url, server.helper_session(5, "1006"))
    serve(server, chen, 5, 4, phone="13600136000", log=LOG, kiosk=kiosk)
    Api(server.url, server.device_token("pad", 5)).post("/api/v1/windows/5/ratings", {"score": 1, "pad_seq": 2})
    agent = Api(server.url, server.helper_session(2, "1003"))
    case = agent.post("/api/v1/cases", {**PERSON, "applicant": CITIZEN}).json()["id"]
    agent.post(f"/api/v1/cases/{case}/steps", {"action": "accept"})
    with server.database.write() as db:
        db.execute(update(Case).where(Case.id == case).values(deadline=local_day(utcnow()) - timedelta(days=3)))


def test_typed_names_logs_and_notes_are_shown_as_typed_on_every_page(sqlite_server):
    _hostile_morning(sqlite_server)
    web = Web(sqlite_server)
    web.login(CHIEF)
    for path, typed in SHOWN.items():
        html = web.get(path).text
        page = Page(html)
        for text in typed:
            assert page.shows(text), f"{path} does not show {text!r} as typed"
        assert SCRIPT not in html, f"{path} holds the markup unescaped"
        _own_scripts_only(page)

    follow = web.get("/supervisor/follow-ups").text
    first = re.search(r'action="/supervisor/follow-ups/(\d+)/close"', follow).group(1)
    closed = web.post(f"/supervisor/follow-ups/{first}/close", {"csrf": web.csrf("/supervisor/follow-ups"),
                                                                 "note": NOTE})
    assert closed.status_code == 200
    page = Page(closed.text)
    assert page.shows(NOTE) and "<b>已回访" not in closed.text and SCRIPT not in closed.text
    _own_scripts_only(page)


def test_the_sign_in_form_gives_back_the_typed_code_as_typed(sqlite_server):
    web = Web(sqlite_server)
    form = web.get("/supervisor/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', form).group(1)
    typed = '"><script>alert(1)</script>䶮𠮷'
    refused = web.post("/supervisor/login", {"hall": str(demo_hall_id(sqlite_server)), "code": typed, "pin": "1",
                                             "login_token": token})
    assert refused.status_code == 401 and SCRIPT not in refused.text
    values = []

    class Inputs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "input" and dict(attrs).get("name") == "code":
                values.append(dict(attrs)["value"])

    Inputs().feed(refused.text)
    assert values == [typed]
    _own_scripts_only(Page(refused.text))


def test_chromium_shows_the_typed_text_and_runs_none_of_it(chrome, sqlite_server):  # noqa: F811
    _hostile_morning(sqlite_server)
    _sign_in(chrome, sqlite_server.url)
    for path, typed in SHOWN.items():
        if path.endswith("/live"):
            continue  # a fragment, shown inside the overview
        chrome.get(sqlite_server.url + path)  # an alert() run would fail the next command
        shown = chrome.execute_script("return document.body.innerText")
        assert all(text in shown for text in typed), path
        scripts = chrome.execute_script("return [...document.scripts].map(s => s.src || s.text)")
        assert all(s.endswith("/supervisor/static/overview.js") for s in scripts), (path, scripts)
