"""Seed 004's assessment on a generated year of a township's and its village's records,
against a hand calculation; the assessor's inspection entries; the annual ranking."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from kiosk.server.models import Case, Complaint, Hall, ReturnVisit, Service, Ticket
from tests.server.api import Api

YEAR = 2025


def _moment(day_of_year: int, hour: int = 2) -> datetime:
    return datetime(YEAR, 1, 1, hour) + timedelta(days=day_of_year)  # 02:00 UTC is 10:00 in the hall


def _service(db, hall_id: int, n: int, log: str) -> None:
    at = _moment(n % 360)
    ticket = Ticket(hall_id=hall_id, queue_id=1, service_type="help", day=at.date(), seq=n, number=f"A{n:03d}",
                    public_token=f"gen-{hall_id}-{n}", status="finished", tier=2, rank_at=at, issued_at=at,
                    window_id=1, helper_id=6, called_at=at, outcome="done", finished_at=at + timedelta(minutes=9),
                    phone="13912345678")
    db.add(ticket)
    db.flush()
    db.add(Service(hall_id=hall_id, ticket_id=ticket.id, queue_id=1, window_id=1, helper_id=6, called_at=at,
                   started_at=at, ended_at=ticket.finished_at, finished_at=ticket.finished_at, end_reason="finished",
                   outcome="done", log=log))


def _case(db, hall_id: int, n: int, *, entrusted: datetime, deadline: date, closed: datetime | None,
          accepted: bool = True) -> None:
    db.add(Case(hall_id=hall_id, number=f"GEN{n}", matter_id=1, helper_id=3, applicant="某某", applicant_kind="person",
                id_number="110101199003071234", phone="13912345678", delivery="pickup",
                state="completed" if closed else "in_progress", entrusted_at=entrusted,
                accepted_at=entrusted if accepted else None, deadline=deadline, closed_at=closed))


def _complaint(db, hall_id: int, day: int, kind: str, finding: str | None) -> None:
    at = _moment(day)
    db.add(Complaint(hall_id=hall_id, kind=kind, source="hotline", category="attitude", priority="normal",
                     subject="生成的投诉", person="", phone="", received_at=at, deadline=at.date() + timedelta(days=7),
                     status="handled", handled_at=at + timedelta(days=1), handling="核实", result="反馈",
                     finding=finding, serious=False))


def _visits(db, hall_id: int, scores: list[int | None]) -> None:
    for n, score in enumerate(scores):
        db.add(ReturnVisit(hall_id=hall_id, period=f"{YEAR}", subject="service", subject_id=10_000 + hall_id * 100 + n,
                           helper_id=6, drawn_at=_moment(30 + n), status="done" if score else "unreachable",
                           called_at=_moment(31 + n), score=score, note=""))


def generate_year(server) -> tuple[int, int]:
    """The township: 42 services (2 with no log), 6 cases completed (1 late), 1 accepted with no
    signed 委托书, 5 complaints and requests, 11 return visits. The village: 2 happy visits."""
    with server.database.write() as db:
        township = db.scalar(select(Hall.id).where(Hall.code == "township"))
        village = db.scalar(select(Hall.id).where(Hall.code == "village"))
        for n in range(42):
            _service(db, township, n + 1, "" if n in (5, 17) else f"帮办第 {n + 1} 件，已指导填表")
        last_year = datetime(YEAR - 1, 12, 1, 2)  # entrusted last year (signed then), completed this year
        for n in range(6):
            deadline = date(YEAR, 3, 1 + n)
            closed = datetime.combine(deadline, datetime.min.time()) + timedelta(hours=2, days=2 if n == 4 else -1)
            _case(db, township, n, entrusted=last_year, deadline=deadline, closed=closed)
        _case(db, township, 99, entrusted=_moment(300), deadline=date(YEAR + 1, 2, 1), closed=None)  # no 委托书 signed
        _case(db, township, 98, entrusted=_moment(301), deadline=date(YEAR + 1, 2, 1), closed=None, accepted=False)
        for day, kind, finding in [(40, "complaint", "founded"), (80, "complaint", "partly"),
                                   (120, "complaint", "founded"), (160, "complaint", "unfounded"),
                                   (200, "request", None)]:
            _complaint(db, township, day, kind, finding)
        _visits(db, township, [5] * 7 + [4, 3, 2, None])
        _visits(db, village, [5, 5])
    return township, village


def test_a_generated_year_scores_as_the_hand_calculation(live_server):
    township, village = generate_year(live_server)
    chief = Api(live_server.url, live_server.helper_session(1, "1001"))  # the county assesses
    for item, counts, note in [("system", {"staff_short": 1}, "现场检查：应配 2 人，实到 1 人"),
                               ("rules", {"rules_incomplete": 1}, "岗位职责未上墙"),
                               ("information", {"activity_missed": 1}, "未参加 6 月业务培训（签到表）")]:
        r = chief.post(f"/api/v1/assessment/halls/{township}/entries",
                       {"year": YEAR, "item": item, "counts": counts, "note": note})
        assert r.status_code == 200, r.text
    got = chief.get(f"/api/v1/assessment/{YEAR}", params={"hall": township}).json()
    by_item = {i["item"]: i["score"] for i in got["items"]}
    # by hand: 服务体系 20-2; 制度执行 10-2; 服务效能 40 - 3×(2 unlogged + 1 unsigned + 1 late);
    # 信息互动 10-5; 社会评价 10 × 8 satisfied / 10 answered; 举报投诉 10 - 2×3 (the untrue one and the request not)
    assert list(by_item) == ["服务体系", "制度执行", "服务效能", "信息互动", "社会评价", "举报投诉"]
    assert by_item == {"服务体系": 18, "制度执行": 8, "服务效能": 28, "信息互动": 5, "社会评价": 8, "举报投诉": 4}
    assert got["total"] == 71 and got["complete"] and got["passed"] and not got["serious"]
    efficiency = next(i for i in got["items"] if i["key"] == "efficiency")
    recorded = {d["name"][:6]: d["instances"] for d in efficiency["deductions"] if d["source"] == "records"}
    assert recorded == {"未进行台账登": 2, "未签订代办服": 1, "协调不到位或": 1}
    assert next(i for i in got["items"] if i["key"] == "system")["note"] == "现场检查：应配 2 人，实到 1 人"
    # the village: nothing to deduct, its two visits satisfied; the annual score 71×0.6 + 100×0.4
    assert chief.get(f"/api/v1/assessment/{YEAR}", params={"hall": village}).json()["total"] == 100
    ranking = chief.get(f"/api/v1/assessment/{YEAR}/ranking").json()
    assert ranking == [{"hall_id": township, "hall": "城关街道便民服务中心", "township": 71.0,
                        "villages": ["东关社区便民服务站 100"], "score": 82.6, "rank": 1, "grade": "优秀"}]


def test_misconduct_zeroes_the_item_and_a_serious_case_fails(sqlite_server):
    township, _ = generate_year(sqlite_server)
    chief = Api(sqlite_server.url, sqlite_server.helper_session(1, "1001"))
    r = chief.post(f"/api/v1/assessment/halls/{township}/entries",
                   {"year": YEAR, "item": "complaints", "zeroed": True, "serious": True,
                    "note": "查实收受礼金，媒体报道"})
    got = r.json()
    assert r.status_code == 200 and next(i for i in got["items"] if i["key"] == "complaints")["score"] == 0
    assert got["serious"] and not got["passed"]
    ranking = chief.get(f"/api/v1/assessment/{YEAR}/ranking").json()
    assert ranking[0]["grade"] == "不合格"


def test_entries_are_checked_and_only_supervisors_above_may_enter(sqlite_server):
    township, _ = generate_year(sqlite_server)
    chief = Api(sqlite_server.url, sqlite_server.helper_session(1, "1001"))
    for body in [{"year": YEAR, "item": "system", "counts": {"complaint": 1}},
                 {"year": YEAR, "item": "system", "counts": {"staff_short": -1}},
                 {"year": YEAR, "item": "nothing"}, {"year": 1999, "item": "system"},
                 {"year": YEAR, "item": "system", "note": "x" * 6000}]:
        r = chief.post(f"/api/v1/assessment/halls/{township}/entries", body)
        assert r.status_code == 422, (body, r.text)
    helper = Api(sqlite_server.url, sqlite_server.helper_session(2, "1006"))
    assert helper.post(f"/api/v1/assessment/halls/{township}/entries",
                       {"year": YEAR, "item": "system"}).status_code == 403
    assert chief.get(f"/api/v1/assessment/{YEAR}", params={"hall": 99999}).status_code == 403
    assert chief.get("/api/v1/assessment/1800").status_code == 422
