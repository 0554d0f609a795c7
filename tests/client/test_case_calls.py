"""The client's proxy-case calls against the real server: each answer parsed with its wire model,
each refusal a typed error with the server's Chinese message."""
from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
import requests
from PIL import Image

from kiosk.client import ApiClient, Conflict, Forbidden, Invalid
from tests.conftest import auth
from tests.conftest import hall_today

PERSON = {"matter_id": 11, "applicant": "刘䶮", "applicant_kind": "person",
          "id_number": "11010519491231002X", "phone": "13912345678", "delivery": "pickup"}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 420), "white").save(out, "JPEG")
    return out.getvalue()


def helper(server, window: int, code: str) -> ApiClient:
    return ApiClient(server.url, server.helper_session(window, code))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.conftest import LiveServer

    live = LiveServer(tmp_path_factory.mktemp("case_calls"), None)
    live.start()
    yield live
    live.close()


def test_a_case_runs_from_entrustment_to_archive_through_the_client(server):
    agent, chief = helper(server, 1, "1003"), helper(server, 6, "1001")
    case = agent.open_case(**PERSON)
    assert (case["state"], case["delivery"], case["unsigned"][0]["form"]) == ("entrusted", "pickup", "entrustment")
    item = agent.add_case_item(case["id"], "received", "施工合同", copies=2, original=True)
    assert (item["direction"], item["copies"]) == ("received", 2)
    signed = agent.sign_case_form(case["id"], "entrustment", jpeg(), "image/jpeg", "k-entrust")
    assert signed["case"]["unsigned"] == [] and signed["document"]["kind"] == "entrustment"
    again = agent.sign_case_form(case["id"], "entrustment", jpeg(), "image/jpeg", "k-entrust")
    assert again["document"]["id"] == signed["document"]["id"]  # a retry stores nothing twice
    with pytest.raises(Forbidden) as refused:
        agent.case_step(case["id"], "accept")
    assert "协调员" in refused.value.message
    accepted = chief.case_step(case["id"], "accept")
    assert accepted["number"].startswith("DB-") and accepted["deadline"]

    agent.case_step(case["id"], "start")
    problem = agent.raise_case_problem(case["id"], "四邻签字未齐")
    solved = agent.update_case_problem(case["id"], problem["id"], "solved", "已补签")
    assert [u["status"] for u in solved["updates"]] == ["open", "solved"]
    resume_by = (hall_today() + timedelta(days=10)).isoformat()
    suspended = agent.case_step(case["id"], "suspend", reason="materials_late", resume_by=resume_by)
    assert suspended["resume_by"] == resume_by and suspended["due"] is None
    agent.sign_case_form(case["id"], "suspension", jpeg(), "image/jpeg", uuid.uuid4().hex)
    resumed = agent.case_step(case["id"], "resume")
    assert resumed["state"] == "in_progress" and resumed["deadline"] >= accepted["deadline"]
    agent.case_step(case["id"], "complete")
    with pytest.raises(Conflict) as unsigned_pickup:
        agent.deliver_case(case["id"], "pickup")
    assert "办结单" in unsigned_pickup.value.message
    agent.sign_case_form(case["id"], "closing", jpeg(), "image/jpeg", uuid.uuid4().hex)
    delivered = agent.deliver_case(case["id"], "pickup")
    assert delivered["state"] == "delivered" and delivered["delivery_record"]["method"] == "pickup"
    assert delivered["delivery"] == "pickup"  # the way chosen keeps its name: no second shape
    rating = agent.rate_case_online(delivered["public_token"], delivered["public_code"], 5)
    assert rating["score"] == 5 and rating["case_id"] == case["id"]
    archived = agent.case_step(case["id"], "archive", note="材料归档")
    assert archived["state"] == "archived" and archived["rating"]["score"] == 5
    assert [d["kind"] for d in agent.case_documents(case["id"])] == ["entrustment", "suspension", "closing"]
    body, kind = agent.case_document(signed["document"]["id"])
    assert kind == "image/jpeg" and body[:2] == b"\xff\xd8"
    assert agent.public_case(delivered["public_token"])["state_name"] == "已归档"


def test_lists_filter_by_helper_state_and_ticket(server):
    agent, other = helper(server, 2, "1004"), helper(server, 3, "1005")
    mine = agent.open_case(**{**PERSON, "delivery": "ems"})
    theirs = other.open_case(**PERSON)
    listed = agent.list_cases(active=True, mine=True)
    assert mine["id"] in [c["id"] for c in listed] and theirs["id"] not in [c["id"] for c in listed]
    assert all(c["phone"] == "139****5678" for c in listed)  # lists are masked
    hall = [c["id"] for c in agent.list_cases(active=True)]
    assert {mine["id"], theirs["id"]} <= set(hall)
    assert agent.list_cases(state="archived", mine=True) == []
    assert agent.list_cases(due="overdue", mine=True) == []


def test_bad_identity_and_unknown_pages_are_typed_refusals(server):
    agent = helper(server, 1, "1003")
    with pytest.raises(Invalid) as wrong:
        agent.open_case(**{**PERSON, "id_number": "110105194912310021"})
    assert "校验" in wrong.value.message or "身份证" in wrong.value.message
    case = agent.open_case(**PERSON)
    with pytest.raises(Conflict) as nothing:
        agent.sign_case_form(case["id"], "closing", jpeg(), "image/jpeg", uuid.uuid4().hex)
    assert "办结" in nothing.value.message


def test_a_case_passes_to_the_township_and_back_through_the_client(server):
    from sqlalchemy import select

    from kiosk.server.admin import add_helper
    from kiosk.server.models import Hall, Window

    add_helper(server.database, "2002", "孙街道", "246810", "coordinator", "township")
    with server.database.write() as db:
        hall = db.scalar(select(Hall).where(Hall.code == "township"))
        db.add(Window(hall_id=hall.id, number=2, name="街道帮办代办窗"))
    terminal = server.device_token("window", 2, hall="township")
    r = requests.post(server.url + "/api/v1/sessions", headers=auth(terminal),
                      json={"helper_code": "2002", "pin": "246810", "window": 2}, timeout=10)
    township = ApiClient(server.url, r.json()["token"])
    agent = helper(server, 1, "1003")
    case = agent.open_case(**PERSON)
    assert "township" in [h["code"] for h in agent.hall_neighbours()]
    offered = agent.refer_case(case["id"], "township", "需街道核实宅基地")
    assert offered["status"] == "offered"
    incoming = township.case_referrals("in")
    assert [(r["id"], r["case"]["id"]) for r in incoming] == [(offered["id"], case["id"])]
    assert agent.case_referrals("out")[0]["id"] == offered["id"]
    accepted = township.answer_case_referral(offered["id"], True, "接收")
    assert accepted["status"] == "accepted"
    followed = agent.get_case(case["id"])
    assert followed["handling_hall"]["code"] == "township" and followed["helper"]["code"] == "1003"
    with pytest.raises(Conflict):
        agent.case_step(case["id"], "terminate", reason="other")  # the township works it now


def completed(server, agent: ApiClient, delivery: str) -> dict:
    case = agent.open_case(**{**PERSON, "delivery": delivery})
    agent.sign_case_form(case["id"], "entrustment", jpeg(), "image/jpeg", uuid.uuid4().hex)
    helper(server, 6, "1002").case_step(case["id"], "accept")
    agent.case_step(case["id"], "start")
    return agent.case_step(case["id"], "complete", note="已办结")


def test_a_posted_result_is_confirmed_and_an_electronic_one_uploaded(server):
    agent = helper(server, 1, "1003")
    posted = completed(server, agent, "ems")
    sent = agent.deliver_case(posted["id"], "ems", carrier="中国邮政EMS", tracking_number="1190012345678")
    assert sent["state"] == "sent" and sent["delivery_record"]["tracking_number"] == "1190012345678"
    received = agent.confirm_case_receipt(posted["id"], "电话确认已签收")
    assert received["state"] == "delivered" and received["delivery_record"]["received_by"] == "helper"
    online = completed(server, agent, "electronic")
    uploaded = agent.upload_case_result(online["id"], jpeg(), "image/jpeg", uuid.uuid4().hex)
    assert uploaded["case"]["state"] == "ready_online" and uploaded["document"]["kind"] == "result"
    assert agent.public_case(online["public_token"])["may_download"]
