"""What the supervisor page tests share: a browser-like session over HTTP, and a morning of
real work driven through the API (tickets served and rated, a bad rating, cases due)."""
from __future__ import annotations

import re
from datetime import timedelta

import requests
from sqlalchemy import select, update

from kiosk.domain.working_days import Calendar
from kiosk.server.models import Case, Hall
from kiosk.server.timeutil import local_day, utcnow
from tests.server.api import Api

PIN = "246810"
CHIEF, COORDINATOR, HELPER = "1001", "1002", "1006"
PERSON = {"matter_id": 11, "applicant": "刘䶮", "applicant_kind": "person",
          "id_number": "11010519491231002X", "phone": "13912345678", "delivery": "ems"}


def demo_hall_id(server) -> int:
    with server.database.read() as db:
        return db.scalar(select(Hall.id).where(Hall.code == "county"))


class Web:
    """One browser: cookies kept, forms posted the way the pages post them."""

    def __init__(self, server):
        self.base, self.server = server.url, server
        self.http = requests.Session()

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.base + path, timeout=10, **kw)

    def post(self, path: str, data: dict, **kw) -> requests.Response:
        return self.http.post(self.base + path, data=data, timeout=10, **kw)

    def login(self, code: str = CHIEF, pin: str = PIN, next_url: str = "") -> requests.Response:
        form = self.get("/supervisor/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text).group(1)
        data = {"hall": str(demo_hall_id(self.server)), "code": code, "pin": pin, "login_token": token}
        if next_url:
            data["next"] = next_url
        return self.post("/supervisor/login", data, allow_redirects=False)

    def csrf(self, path: str = "/supervisor/overview") -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.get(path).text).group(1)


def serve(server, helper: Api, window: int, queue_id: int, *, phone: str | None = None, log: str = "已办结",
          kiosk: Api | None = None) -> dict:
    kiosk = kiosk or Api(server.url, server.device_token("kiosk"))
    body = {"queue_id": queue_id, "service_type": "help"}
    if phone:
        body["phone"] = phone
    kiosk.post("/api/v1/tickets", body)
    ticket = helper.post(f"/api/v1/windows/{window}/call-next").json()
    helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": log})
    return ticket


def busy_morning(server) -> dict:
    """Window 1 (周𠮷) served three and holds a fourth; window 5 (陈静) had a bad rating;
    two wait in line; one case is five working days late, one due on the next working day."""
    kiosk = Api(server.url, server.device_token("kiosk"))
    rare = Api(server.url, server.helper_session(1, "1004"))
    chen = Api(server.url, server.helper_session(5, HELPER))
    pad1, pad5 = Api(server.url, server.device_token("pad", 1)), Api(server.url, server.device_token("pad", 5))
    for n in range(3):
        serve(server, rare, 1, 1, phone=f"1391234567{n}", log=f"第{n + 1}位：帮助填写申请表", kiosk=kiosk)
        pad1.post("/api/v1/windows/1/ratings", {"score": 5 - n, "pad_seq": n + 1})
    bad = serve(server, chen, 5, 4, phone="13800138000", log="社保卡补办，材料不全", kiosk=kiosk)
    pad5.post("/api/v1/windows/5/ratings", {"score": 1, "pad_seq": 1})
    kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"})
    held = rare.post("/api/v1/windows/1/call-next").json()
    for _ in range(2):
        kiosk.post("/api/v1/tickets", {"queue_id": 4, "service_type": "help"})
    agent = Api(server.url, server.helper_session(2, "1003"))
    late = agent.post("/api/v1/cases", PERSON).json()["id"]
    soon = agent.post("/api/v1/cases", {**PERSON, "applicant": "周𠮷", "phone": "13700137000"}).json()["id"]
    reviewer = Api(server.url, server.helper_session(3, "1002"))  # the coordinator accepts, then leaves
    for cid in (late, soon):
        assert reviewer.post(f"/api/v1/cases/{cid}/steps", {"action": "accept"}).status_code == 200
    assert requests.delete(server.url + "/api/v1/sessions/current", headers=reviewer._headers(),
                           timeout=10).status_code in (200, 204)
    today = local_day(utcnow())  # the hall's day, not this machine's
    with server.database.write() as db:  # the first case's deadline has passed
        db.execute(update(Case).where(Case.id == late).values(deadline=today - timedelta(days=7)))
        db.execute(update(Case).where(Case.id == soon).values(deadline=Calendar().add_working_days(today, 1)))
    return {"held": held, "bad": bad, "late_case": late, "soon_case": soon}
