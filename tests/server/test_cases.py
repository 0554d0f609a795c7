"""Proxy cases through the API: entrusted to archived, deadlines, masking, the handover list."""
from datetime import date, timedelta

from sqlalchemy import select, update

from kiosk.server.models import Case, CaseStep
from tests.server.api import Api
from tests.conftest import hall_today

PERSON = {"matter_id": 11, "applicant": "刘䶮", "applicant_kind": "person",
          "id_number": "11010519491231002X", "phone": "13912345678", "delivery": "ems"}


def helper(server, window=1, code="1003") -> Api:
    return Api(server.url, server.helper_session(window, code))


def coordinator(server, window=6) -> Api:
    return helper(server, window, "1002")


def test_a_case_from_entrustment_to_archive(live_server):
    agent = helper(live_server)
    case = agent.post("/api/v1/cases", PERSON)
    assert case.status_code == 201, case.text
    case = case.json()
    assert case["state"] == "entrusted" and case["id_number"] == "11010519491231002X"  # the agent in charge
    cid = case["id"]
    refused = agent.post(f"/api/v1/cases/{cid}/steps", {"action": "accept"})
    assert refused.status_code == 403 and "协调员" in refused.json()["error"]["message"]  # seed 002's review
    accepted = coordinator(live_server).post(f"/api/v1/cases/{cid}/steps", {"action": "accept"}).json()
    assert accepted["number"].startswith("DB-") and accepted["deadline"] and accepted["due"] == "on_time"
    agent.post(f"/api/v1/cases/{cid}/steps", {"action": "start"})
    assert agent.post(f"/api/v1/cases/{cid}/items",
                      {"direction": "received", "name": "施工合同", "copies": 2, "original": True}).status_code == 201
    resume_by = (hall_today() + timedelta(days=10)).isoformat()
    suspended = agent.post(f"/api/v1/cases/{cid}/steps",
                           {"action": "suspend", "reason": "fees_unpaid", "resume_by": resume_by}).json()
    assert suspended["state"] == "suspended" and suspended["reason_name"] == "未按规定缴纳相关费用"
    agent.post(f"/api/v1/cases/{cid}/steps", {"action": "resume", "note": "已签续办委托书"})
    agent.post(f"/api/v1/cases/{cid}/items", {"direction": "returned", "name": "施工合同", "copies": 2})
    agent.post(f"/api/v1/cases/{cid}/steps", {"action": "complete"})
    agent.post(f"/api/v1/cases/{cid}/delivery", {"method": "ems", "carrier": "EMS", "tracking_number": "1190012345678"})
    agent.post(f"/api/v1/cases/{cid}/delivery/received", {"note": "电话确认已签收"})
    done = agent.post(f"/api/v1/cases/{cid}/steps", {"action": "archive"}).json()
    assert done["state"] == "archived"
    assert [s["action"] for s in done["steps"]] == [
        "entrust", "accept", "start", "suspend", "resume", "complete", "deliver", "receive", "archive"]
    assert done["delivery_record"]["received_by"] == "helper"
    assert [i["direction"] for i in done["items"]] == ["received", "returned"]


def test_identity_is_checked_where_it_is_typed_and_a_wrong_one_is_not_stored(sqlite_server):
    agent = helper(sqlite_server)
    wrong = agent.post("/api/v1/cases", {**PERSON, "id_number": "110105194912310021"})
    assert wrong.status_code == 422 and "第 18 位" in wrong.json()["error"]["message"]
    company = agent.post("/api/v1/cases", {**PERSON, "applicant": "许昌示范科技有限公司",
                                           "applicant_kind": "organisation", "id_number": "91350100M000100Y44"})
    assert company.status_code == 422 and "信用代码" in company.json()["error"]["message"]
    phone = agent.post("/api/v1/cases", {**PERSON, "phone": "1391234"})
    assert phone.status_code == 422
    assert agent.get("/api/v1/cases").json() == []


def test_lists_mask_identity_and_illegal_steps_are_refused(sqlite_server):
    agent = helper(sqlite_server)
    cid = agent.post("/api/v1/cases", PERSON).json()["id"]
    other = helper(sqlite_server, 2, "1006")
    listed = other.get("/api/v1/cases").json()
    assert listed[0]["id_number"] == "1101**********002X" and listed[0]["phone"] == "139****5678"
    assert other.get(f"/api/v1/cases/{cid}").json()["id_number"] == "1101**********002X"
    refused = agent.post(f"/api/v1/cases/{cid}/steps", {"action": "complete"})
    assert refused.status_code == 409 and "不能办结" in refused.json()["error"]["message"]
    no_reason = agent.post(f"/api/v1/cases/{cid}/steps", {"action": "terminate"})
    assert no_reason.status_code == 409 and "原因" in no_reason.json()["error"]["message"]
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    assert kiosk.post("/api/v1/cases", PERSON).status_code == 403


def test_a_lapsed_suspension_becomes_a_termination_and_deadlines_are_listed(sqlite_server):
    agent, reviewer = helper(sqlite_server), coordinator(sqlite_server)
    cid = agent.post("/api/v1/cases", PERSON).json()["id"]
    reviewer.post(f"/api/v1/cases/{cid}/steps", {"action": "accept"})
    for step in ({"action": "start"}, {"action": "suspend", "reason": "materials_late",
                                       "resume_by": (hall_today() + timedelta(days=3)).isoformat()}):
        agent.post(f"/api/v1/cases/{cid}/steps", step)
    late = agent.post("/api/v1/cases", PERSON).json()["id"]
    reviewer.post(f"/api/v1/cases/{late}/steps", {"action": "accept"})
    with sqlite_server.database.write() as db:  # time passes
        db.execute(update(Case).where(Case.id == cid).values(resume_by=hall_today() - timedelta(days=1)))
        db.execute(update(Case).where(Case.id == late).values(deadline=hall_today() - timedelta(days=3)))
    lapsed = agent.get(f"/api/v1/cases/{cid}").json()
    assert lapsed["state"] == "terminated" and lapsed["steps"][-1]["action"] == "expire"
    assert [c["id"] for c in agent.get("/api/v1/cases", params={"due": "overdue"}).json()] == [late]


def test_resuming_sets_the_new_deadline_and_a_suspended_case_is_not_overdue(sqlite_server):
    agent, reviewer = helper(sqlite_server), coordinator(sqlite_server)
    cid = agent.post("/api/v1/cases", PERSON).json()["id"]
    deadline = date.fromisoformat(reviewer.post(f"/api/v1/cases/{cid}/steps", {"action": "accept"}).json()["deadline"])
    agent.post(f"/api/v1/cases/{cid}/steps", {"action": "start"})
    agent.post(f"/api/v1/cases/{cid}/steps", {"action": "suspend", "reason": "fees_unpaid",
                                              "resume_by": (hall_today() + timedelta(days=30)).isoformat()})
    with sqlite_server.database.write() as db:  # suspended two weeks ago, and the deadline has passed since
        step = db.scalar(select(CaseStep).where(CaseStep.case_id == cid, CaseStep.action == "suspend"))
        step.at -= timedelta(days=14)
        db.execute(update(Case).where(Case.id == cid).values(deadline=deadline - timedelta(days=14)))
    suspended = agent.get(f"/api/v1/cases/{cid}")
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["due"] is None
    resumed = agent.post(f"/api/v1/cases/{cid}/steps", {"action": "resume"}).json()
    assert date.fromisoformat(resumed["deadline"]) >= deadline and resumed["due"] == "on_time"


def test_the_case_opened_from_a_ticket_is_found_by_it(sqlite_server):
    agent = helper(sqlite_server)
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 2, "service_type": "proxy"}).json()
    agent.post("/api/v1/cases", PERSON)
    mine = agent.post("/api/v1/cases", {**PERSON, "ticket_id": ticket["id"]}).json()
    found = agent.get("/api/v1/cases", params={"ticket_id": ticket["id"]}).json()
    assert [c["id"] for c in found] == [mine["id"]]


def test_cases_accepted_at_once_get_distinct_numbers(live_server):
    import threading

    agents = [helper(live_server, n, code) for n, code in ((1, "1003"), (2, "1004"), (3, "1005"), (4, "1006"))]
    ids = [agent.post("/api/v1/cases", PERSON).json()["id"] for agent in agents]
    reviewers = [coordinator(live_server, 6), helper(live_server, 7, "1001")] * 2
    start, answers = threading.Barrier(len(ids)), []

    def accept(reviewer, cid):
        start.wait()
        answers.append(reviewer.post(f"/api/v1/cases/{cid}/steps", {"action": "accept"}))

    threads = [threading.Thread(target=accept, args=pair) for pair in zip(reviewers, ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r.status_code for r in answers] == [200] * len(ids)
    numbers = {r.json()["number"] for r in answers}
    assert len(numbers) == len(ids)
