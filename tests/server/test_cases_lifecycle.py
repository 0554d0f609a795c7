"""Proxy cases end to end over HTTP: signed forms with their pages, the problem log, delivery by
pickup, post and download, the applicant's page and rating, and cases passed between halls."""
import hashlib
import io
from datetime import timedelta

import requests
from PIL import Image, ImageDraw
from sqlalchemy import select

from kiosk.server.admin import add_helper
from kiosk.server.models import AuditEntry, Event, Hall, Window
from tests.conftest import auth
from tests.server.api import Api
from tests.server.test_cases import PERSON, coordinator, helper
from tests.supervisor.web import CHIEF, Web
from tests.conftest import hall_today


def signed_page(text: str = "签字页") -> bytes:
    """A real JPEG of a page, as the document camera sends one."""
    page = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(page).rectangle((40, 700, 580, 800), outline="black", width=4)
    ImageDraw.Draw(page).text((60, 60), text.encode("unicode_escape").decode(), fill="black")
    out = io.BytesIO()
    page.save(out, "JPEG", quality=80)
    return out.getvalue()


def upload(api: Api, path: str, body: bytes, kind: str = "image/jpeg", key: str | None = None):
    headers = {**auth(api.token), "Content-Type": kind, **({"Idempotency-Key": key} if key else {})}
    return requests.post(api.base + path, data=body, headers=headers, timeout=10)


def sign(api: Api, cid: int, form: str, **kw):
    return upload(api, f"/api/v1/cases/{cid}/signatures/{form}", signed_page(form), **kw)


def step(api: Api, cid: int, action: str, **fields) -> dict:
    r = api.post(f"/api/v1/cases/{cid}/steps", {"action": action, **fields})
    assert r.status_code == 200, r.text
    return r.json()


def worked_case(server, agent: Api) -> int:
    """Entrusted with its 委托书 signed, accepted by the coordinator, started."""
    cid = agent.post("/api/v1/cases", PERSON).json()["id"]
    assert sign(agent, cid, "entrustment").status_code == 201
    step(coordinator(server), cid, "accept")
    step(agent, cid, "start")
    return cid


def completed_case(server, agent: Api) -> int:
    cid = worked_case(server, agent)
    step(agent, cid, "complete")
    return cid


def public(server, case: dict) -> str:
    return f"{server.url}/api/v1/public/cases/{case['public_token']}"


def test_signed_forms_problems_pickup_pad_rating_and_archive(live_server):
    agent = helper(live_server)  # 刘䶮 at window 1
    opened = agent.post("/api/v1/cases", PERSON).json()
    cid = opened["id"]
    assert [(u["form"], u["form_name"], u["step_id"]) for u in opened["unsigned"]] == [
        ("entrustment", "代办服务委托书", opened["steps"][0]["id"])]
    assert opened["status_url"] == f"{live_server.url}/c/{opened['public_token']}" and len(opened["public_code"]) == 6
    page = signed_page("委托书")
    signed = upload(agent, f"/api/v1/cases/{cid}/signatures/entrustment", page, key="wt-1-entrust")
    assert signed.status_code == 201, signed.text
    again = upload(agent, f"/api/v1/cases/{cid}/signatures/entrustment", page, key="wt-1-entrust")
    assert again.status_code == 200 and again.json()["document"]["id"] == signed.json()["document"]["id"]
    twice = sign(agent, cid, "entrustment")
    assert twice.status_code == 409 and "已经登记" in twice.json()["error"]["message"]
    assert sign(agent, cid, "suspension").status_code == 409  # nothing suspended yet
    case = signed.json()["case"]
    assert case["unsigned"] == [] and [s["form"] for s in case["signatures"]] == ["entrustment"]

    step(coordinator(live_server), cid, "accept")
    step(agent, cid, "start")
    problem = agent.post(f"/api/v1/cases/{cid}/problems", {"summary": "规划部门要求补充日照分析报告"})
    assert problem.status_code == 201 and problem.json()["status_name"] == "待解决"
    pid = problem.json()["id"]
    agent.post(f"/api/v1/cases/{cid}/problems/{pid}", {"status": "escalated", "handling": "已报县中心协调员"})
    solved = agent.post(f"/api/v1/cases/{cid}/problems/{pid}", {"status": "solved", "handling": "设计院已出具报告并递交"})
    assert solved.status_code == 200
    assert [u["status"] for u in solved.json()["updates"]] == ["open", "escalated", "solved"]
    bad = agent.post(f"/api/v1/cases/{cid}/problems/{pid}", {"status": "done", "handling": "x"})
    assert bad.status_code == 422 and "状态" in bad.json()["error"]["message"]

    resume_by = (hall_today() + timedelta(days=10)).isoformat()
    step(agent, cid, "suspend", reason="fees_unpaid", resume_by=resume_by)
    assert sign(agent, cid, "suspension").status_code == 201
    step(agent, cid, "resume")
    assert sign(agent, cid, "resumption").status_code == 201
    step(agent, cid, "complete")
    early = agent.post(f"/api/v1/cases/{cid}/delivery", {"method": "pickup"})
    assert early.status_code == 409 and "办结单" in early.json()["error"]["message"]
    refused = agent.post(f"/api/v1/cases/{cid}/steps", {"action": "archive"})
    assert refused.status_code == 409  # delivered first, then archived
    closing = sign(agent, cid, "closing")
    assert closing.status_code == 201 and closing.json()["case"]["unsigned"] == []
    delivered = agent.post(f"/api/v1/cases/{cid}/delivery", {"method": "pickup"})
    assert delivered.status_code == 200 and delivered.json()["state"] == "delivered", delivered.text

    # the window's next pad press rates the case, once; a resent press is the same rating
    pad = Api(live_server.url, live_server.device_token("pad", 1))
    press = pad.post("/api/v1/windows/1/ratings", {"score": 5, "pad_seq": 41})
    assert press.status_code == 201 and press.json()["case_id"] == cid, press.text
    assert pad.post("/api/v1/windows/1/ratings", {"score": 5, "pad_seq": 41}).status_code == 200
    after = pad.post("/api/v1/windows/1/ratings", {"score": 1, "pad_seq": 42})
    assert after.status_code == 409 and after.json()["error"]["code"] == "nothing_to_rate"  # no service to rate

    done = step(agent, cid, "archive")
    assert done["rating"]["channel"] == "pad" and done["rating"]["score"] == 5
    assert [s["form"] for s in done["signatures"]] == ["entrustment", "suspension", "resumption", "closing"]
    assert [s["action"] for s in done["steps"]] == [
        "entrust", "accept", "start", "suspend", "resume", "complete", "deliver", "archive"]

    # the pages are the case's: read back whole by its hall's staff, every read audited
    docs = agent.get(f"/api/v1/cases/{cid}/documents").json()
    assert [d["kind"] for d in docs] == ["entrustment", "suspension", "resumption", "closing"]
    read = agent.get(f"/api/v1/case-documents/{docs[0]['id']}")
    assert read.status_code == 200 and hashlib.sha256(read.content).hexdigest() == hashlib.sha256(page).hexdigest()
    with live_server.database.read() as db:
        actions = [a.action for a in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("case.sign") == 4 and "case.document_read" in actions and "case.rate" in actions
    assert "case.problem_update" in actions and "case.deliver" in actions


def test_case_pages_are_read_only_by_the_case_s_hall_staff(sqlite_server):
    agent = helper(sqlite_server)
    cid = agent.post("/api/v1/cases", PERSON).json()["id"]
    doc = sign(agent, cid, "entrustment").json()["document"]["id"]
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    assert kiosk.get(f"/api/v1/case-documents/{doc}").status_code == 403
    city = Api(sqlite_server.url, sqlite_server.device_token("admin", hall="city"))
    assert city.get(f"/api/v1/case-documents/{doc}").status_code == 404
    assert upload(kiosk, f"/api/v1/cases/{cid}/signatures/closing", signed_page()).status_code == 403
    wrong = upload(agent, f"/api/v1/cases/{cid}/signatures/entrustment", b"GIF89a....", kind="image/gif")
    assert wrong.status_code == 415 and "JPEG" in wrong.json()["error"]["message"]
    lying = upload(agent, f"/api/v1/cases/{cid}/signatures/entrustment", b"not a jpeg")
    assert lying.status_code == 422
    unknown = sign(agent, cid, "receipt")
    assert unknown.status_code == 422
    assert list((sqlite_server.data_dir / "case-documents").rglob("*.part")) == []


def test_posted_result_stays_sent_until_the_applicant_confirms_and_rates_on_the_page(live_server):
    agent = helper(live_server)
    cid = completed_case(live_server, agent)
    missing = agent.post(f"/api/v1/cases/{cid}/delivery", {"method": "ems", "carrier": "中国邮政EMS"})
    assert missing.status_code == 422 and "运单号" in missing.json()["error"]["message"]
    sent = agent.post(f"/api/v1/cases/{cid}/delivery",
                      {"method": "ems", "carrier": "中国邮政EMS", "tracking_number": "1190012345678"}).json()
    assert sent["state"] == "sent" and sent["delivery_record"]["received_at"] is None
    assert agent.post(f"/api/v1/cases/{cid}/steps", {"action": "archive"}).status_code == 409
    case = agent.get(f"/api/v1/cases/{cid}").json()

    shown = requests.get(public(live_server, case), timeout=10).json()
    assert shown["state_name"] == "结果已寄出" and shown["applicant"] == "刘*" and shown["may_confirm_receipt"]
    assert shown["delivery"]["tracking_tail"] == "5678"
    assert "11010519491231002X" not in str(shown) and "13912345678" not in str(shown)
    other_code = f"{(int(case['public_code']) + 1) % 10**6:06d}"
    wrong = requests.post(public(live_server, case) + "/receipt", json={"code": other_code}, timeout=10)
    assert wrong.status_code == 403 and "查询码" in wrong.json()["error"]["message"]
    code = case["public_code"]
    confirmed = requests.post(public(live_server, case) + "/receipt", json={"code": code}, timeout=10)
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "delivered", confirmed.text
    rated = requests.post(public(live_server, case) + "/rating", json={"code": code, "score": 2}, timeout=10)
    assert rated.status_code == 201 and rated.json()["channel"] == "web"
    again = requests.post(public(live_server, case) + "/rating", json={"code": code, "score": 5}, timeout=10)
    assert again.status_code == 409 and "评价过" in again.json()["error"]["message"]

    # a bad rating opens the usual follow-up, closed by a supervisor
    follow = [f for f in agent.get("/api/v1/follow-ups", params={"status": "open"}).json() if f["case_rating_id"]]
    assert len(follow) == 1 and follow[0]["rating"] is None
    web = Web(live_server)
    web.login(CHIEF)
    listed = web.get("/supervisor/follow-ups")
    assert listed.status_code == 200 and f"代办件 {case['number']}" in listed.text and "代办件查询页" in listed.text
    chief = helper(live_server, 7, "1001")
    assert agent.post(f"/api/v1/follow-ups/{follow[0]['id']}/close", {"note": "已回访"}).status_code == 403
    assert chief.post(f"/api/v1/follow-ups/{follow[0]['id']}/close", {"note": "已电话回访，寄送延误已整改"}).status_code == 200
    history = requests.get(public(live_server, case), timeout=10).json()["history"]
    assert [h["action_name"] for h in history][-3:] == ["办结", "交付结果", "确认签收"]
    assert step(agent, cid, "archive")["state"] == "archived"


def test_electronic_result_is_downloaded_once_with_the_code(live_server):
    agent = helper(live_server)
    cid = completed_case(live_server, agent)
    pdf = b"%PDF-1.4\n% result of the matter\n" + b"0" * 2000 + b"\n%%EOF\n"
    made = upload(agent, f"/api/v1/cases/{cid}/delivery/result", pdf, kind="application/pdf")
    assert made.status_code == 201 and made.json()["case"]["state"] == "ready_online", made.text
    case = made.json()["case"]
    assert upload(agent, f"/api/v1/cases/{cid}/delivery/result", pdf, kind="application/pdf").status_code == 409
    fetched = requests.post(public(live_server, case) + "/result", json={"code": case["public_code"]}, timeout=10)
    assert fetched.status_code == 200 and fetched.content == pdf
    assert fetched.headers["content-type"] == "application/pdf"
    twice = requests.post(public(live_server, case) + "/result", json={"code": case["public_code"]}, timeout=10)
    assert twice.status_code == 410 and "仅可下载一次" in twice.json()["error"]["message"]
    assert agent.get(f"/api/v1/cases/{cid}").json()["state"] == "delivered"
    with live_server.database.read() as db:
        downloads = db.scalars(select(AuditEntry).where(AuditEntry.action == "case.download")).all()
    assert len(downloads) == 1 and downloads[0].detail["case_id"] == cid


def test_wrong_codes_are_counted_and_lock_the_case(sqlite_server):
    agent = helper(sqlite_server)
    cid = completed_case(sqlite_server, agent)
    case = agent.get(f"/api/v1/cases/{cid}").json()
    wrong = f"{(int(case['public_code']) + 1) % 10**6:06d}"
    answers = [requests.post(public(sqlite_server, case) + "/rating", json={"code": wrong, "score": 5}, timeout=10)
               for _ in range(10)]
    assert {r.status_code for r in answers[:9]} == {403} and answers[9].status_code == 429
    right = requests.post(public(sqlite_server, case) + "/rating", json={"code": case["public_code"], "score": 5},
                          timeout=10)
    assert right.status_code == 429 and "锁定" in right.json()["error"]["message"]
    malformed = requests.post(public(sqlite_server, case) + "/rating", json={"code": "12ab", "score": 5}, timeout=10)
    assert malformed.status_code == 422 and "查询码" in malformed.json()["error"]["message"]


def test_the_public_page_in_chinese_with_a_masked_name_and_a_rating_form(sqlite_server):
    agent = helper(sqlite_server)
    cid = worked_case(sqlite_server, agent)
    case = agent.get(f"/api/v1/cases/{cid}").json()
    page = requests.get(case["status_url"], timeout=10)
    assert page.status_code == 200 and 'name="viewport"' in page.text
    assert "刘*" in page.text and "刘䶮" not in page.text and "002X" not in page.text and "5678" not in page.text
    assert "办理中" in page.text and "评价" not in page.text.split("<h2>")[0].split("下一步")[0]
    step(agent, cid, "complete")
    page = requests.get(case["status_url"], timeout=10).text
    assert "请对本次代办服务进行评价" in page and "非常满意" in page
    form = {"action": "rate", "score": "1", "code": case["public_code"]}
    posted = requests.post(case["status_url"], data=form, timeout=10)
    assert posted.status_code == 201 and "谢谢您的评价" in posted.text and "您已评价" in posted.text
    again = requests.post(case["status_url"], data=form, timeout=10)
    assert again.status_code == 409 and "评价过" in again.text
    empty = requests.post(case["status_url"], data={"action": "rate", "code": "1"}, timeout=10)
    assert empty.status_code == 422 and "6 位数字查询码" in empty.text
    assert requests.get(sqlite_server.url + "/c/nosuchcase123", timeout=10).status_code == 404


def test_an_unsigned_entrustment_is_counted_in_the_assessment(live_server):
    agent, reviewer = helper(live_server), coordinator(live_server)
    signed = agent.post("/api/v1/cases", PERSON).json()["id"]
    sign(agent, signed, "entrustment")
    step(reviewer, signed, "accept")
    unsigned = agent.post("/api/v1/cases", PERSON).json()["id"]
    step(reviewer, unsigned, "accept")
    agent.post("/api/v1/cases", PERSON)  # not accepted yet: not counted
    today = hall_today().isoformat()
    chief = helper(live_server, 7, "1001")
    summary = chief.get("/api/v1/figures", params={"from": today, "to": today})
    assert summary.status_code == 200, summary.text
    assert summary.json()["cases"]["entrusted_without_signature"] == 1
    efficiency = next(l for l in summary.json()["assessment"]["lines"] if l["item"] == "服务效能")
    assert "未签订代办服务委托书（每次） 1 次 × 3 分" in efficiency["basis"] and efficiency["score"] == 37


def _township_helper(server) -> Api:
    """A helper signed in at a window of the township hall below the demo county."""
    add_helper(server.database, "2001", "孙街道", "246810", "coordinator", "township")
    with server.database.write() as db:
        hall = db.scalar(select(Hall).where(Hall.code == "township"))
        db.add(Window(hall_id=hall.id, number=1, name="街道帮办代办窗"))
    terminal = server.device_token("window", 1, hall="township")
    r = requests.post(server.url + "/api/v1/sessions", headers=auth(terminal),
                      json={"helper_code": "2001", "pin": "246810", "window": 1}, timeout=10)
    assert r.status_code == 201, r.text
    return Api(server.url, r.json()["token"])


def test_a_case_passes_down_to_the_township_and_the_first_helper_follows_it(live_server):
    agent = helper(live_server)
    cid = worked_case(live_server, agent)
    township = _township_helper(live_server)
    assert township.get(f"/api/v1/cases/{cid}").status_code == 404  # not offered yet
    far = agent.post(f"/api/v1/cases/{cid}/referrals", {"to_hall": "village", "note": "x"})
    assert far.status_code == 422 and "上一级或下一级" in far.json()["error"]["message"]
    offered = agent.post(f"/api/v1/cases/{cid}/referrals", {"to_hall": "township", "note": "需街道核实宅基地"})
    assert offered.status_code == 201 and offered.json()["status"] == "offered"
    assert agent.post(f"/api/v1/cases/{cid}/referrals", {"to_hall": "township", "note": "again"}).status_code == 409
    incoming = township.get("/api/v1/case-referrals", params={"direction": "in"}).json()
    assert [(r["case"]["id"], r["case"]["id_number"], r["helper"]["name"]) for r in incoming] == [
        (cid, "1101**********002X", "刘䶮")]
    assert township.get(f"/api/v1/cases/{cid}").json()["phone"] == "139****5678"  # read before answering
    rid = incoming[0]["id"]
    assert agent.post(f"/api/v1/case-referrals/{rid}/answer", {"accept": True}).status_code == 403
    no_reason = township.post(f"/api/v1/case-referrals/{rid}/answer", {"accept": False})
    assert no_reason.status_code == 422 and "理由" in no_reason.json()["error"]["message"]
    declined = township.post(f"/api/v1/case-referrals/{rid}/answer", {"accept": False, "answer": "不属街道事权"})
    assert declined.json()["status"] == "declined"
    rid = agent.post(f"/api/v1/cases/{cid}/referrals", {"to_hall": "township", "note": "已补充说明"}).json()["id"]
    accepted = township.post(f"/api/v1/case-referrals/{rid}/answer", {"accept": True, "answer": "接收"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert township.post(f"/api/v1/case-referrals/{rid}/answer", {"accept": True}).status_code == 409

    # the township works it; the county's helper stays in charge and follows every step
    assert [c["id"] for c in township.get("/api/v1/cases", params={"active": "true"}).json()] == [cid]
    problem = township.post(f"/api/v1/cases/{cid}/problems", {"summary": "四邻签字未齐"})
    assert problem.status_code == 201
    step(township, cid, "complete")
    held = agent.post(f"/api/v1/cases/{cid}/steps", {"action": "archive"})
    assert held.status_code == 409 and "城关街道便民服务中心" in held.json()["error"]["message"]
    mine = agent.get("/api/v1/cases", params={"active": "true", "mine": "true"}).json()
    assert [(c["id"], c["state"], c["handling_hall"]["code"]) for c in mine] == [(cid, "completed", "township")]
    followed = agent.get(f"/api/v1/cases/{cid}").json()
    assert followed["helper"]["name"] == "刘䶮" and [p["summary"] for p in followed["problems"]] == ["四邻签字未齐"]
    assert [s["action"] for s in followed["steps"]][-2:] == ["refer", "complete"]
    assert [r["status"] for r in followed["referrals"]] == ["declined", "accepted"]
    shown = requests.get(public(live_server, followed), timeout=10).json()
    assert shown["handling_hall"] == "城关街道便民服务中心" and shown["may_rate"]


def test_every_change_is_told_to_the_hall_as_case_changed(sqlite_server):
    agent = helper(sqlite_server)
    cid = worked_case(sqlite_server, agent)
    agent.post(f"/api/v1/cases/{cid}/items", {"direction": "received", "name": "施工合同", "copies": 1})
    pid = agent.post(f"/api/v1/cases/{cid}/problems", {"summary": "缺少四邻签字"}).json()["id"]
    agent.post(f"/api/v1/cases/{cid}/problems/{pid}", {"status": "solved", "handling": "已补齐"})
    step(agent, cid, "complete")
    sign(agent, cid, "closing")
    agent.post(f"/api/v1/cases/{cid}/delivery", {"method": "pickup"})
    with sqlite_server.database.read() as db:
        told = [e.data for e in db.scalars(select(Event).where(Event.type == "case.changed").order_by(Event.id))]
    assert all(e["case_id"] == cid for e in told)
    assert [e["change"] for e in told] == ["entrust", "signature", "accept", "start", "item", "problem", "problem",
                                           "complete", "signature", "deliver"]
    assert told[-1]["state"] == "delivered" and told[6]["problem_status"] == "solved"


def test_a_termination_s_slip_is_signed_before_the_case_is_archived_without_delivery(sqlite_server):
    agent = helper(sqlite_server)
    cid = worked_case(sqlite_server, agent)
    ended = step(agent, cid, "terminate", reason="refuses_duties", note="多次催告未履行")
    assert [(u["form"], u["form_name"]) for u in ended["unsigned"]] == [("closing", "办结（终止）单")]
    assert agent.post(f"/api/v1/cases/{cid}/delivery", {"method": "pickup"}).status_code == 409
    assert sign(agent, cid, "closing").json()["case"]["unsigned"] == []
    archived = step(agent, cid, "archive")
    assert archived["state"] == "archived" and archived["reason_name"].startswith("申请人不按规定申报")
    shown = requests.get(public(sqlite_server, archived), timeout=10).json()
    assert not shown["may_rate"] and shown["next_step"] == "已归档，代办服务结束"


def test_a_service_finished_after_the_completion_takes_the_press_and_the_case_is_rated_on_its_page(live_server):
    agent = helper(live_server, 2, "1004")  # 周𠮷 at window 2
    cid = completed_case(live_server, agent)
    kiosk = Api(live_server.url, live_server.device_token("kiosk"))
    ticket = kiosk.post("/api/v1/tickets", {"queue_id": 1, "service_type": "help"}).json()
    agent.post("/api/v1/windows/2/call-next")
    agent.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": "已办结"})
    pad = Api(live_server.url, live_server.device_token("pad", 2))
    press = pad.post("/api/v1/windows/2/ratings", {"score": 4, "pad_seq": 7})
    assert press.status_code == 201 and press.json()["service_id"] is not None, press.text
    case = agent.get(f"/api/v1/cases/{cid}").json()
    assert case["rating"] is None
    assert requests.get(public(live_server, case), timeout=10).json()["may_rate"]


def test_a_signed_page_the_size_a_document_camera_takes_is_kept(sqlite_server):
    """Case uploads are page uploads to the body limit, not JSON's few hundred KB."""
    import numpy as np

    agent = helper(sqlite_server)
    cid = agent.post("/api/v1/cases", PERSON).json()["id"]
    grain = np.random.default_rng(7).integers(0, 255, (2448, 1632, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(grain).save(out, "JPEG", quality=90)
    assert len(out.getvalue()) > 1_000_000
    signed = upload(agent, f"/api/v1/cases/{cid}/signatures/entrustment", out.getvalue())
    assert signed.status_code == 201, signed.text


def test_signed_pages_sent_with_an_empty_idempotency_key_are_each_kept(live_server):
    """An empty key is no key: the second signed form of a case is kept too (it was kept under the key ""
    and the next one clashed with it: a 500)."""
    agent = Api(live_server.url, live_server.helper_session(3, "1003"))
    cid = worked_case(live_server, agent)
    step(agent, cid, "suspend", reason="fees_unpaid", resume_by=(hall_today() + timedelta(days=10)).isoformat())
    headers = {**auth(agent.token), "Content-Type": "image/jpeg", "Idempotency-Key": ""}
    for form, action in (("suspension", "resume"), ("resumption", None)):
        r = requests.post(f"{agent.base}/api/v1/cases/{cid}/signatures/{form}", data=signed_page(form),
                          headers=headers, timeout=10)
        assert r.status_code == 201, r.text
        if action:
            step(agent, cid, action)
    docs = agent.get(f"/api/v1/cases/{cid}/documents").json()
    assert [d["kind"] for d in docs] == ["entrustment", "suspension", "resumption"]
