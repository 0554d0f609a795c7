"""The complaint register over HTTP: registered from any channel with a deadline in working
days, handled by its handler or a supervisor, counted on time; the public page registers too."""
import re

import requests

from tests.server.api import Api


def _chief(server):
    return Api(server.url, server.helper_session(1, "1001"))


def test_a_complaint_from_the_12345_line_is_registered_handled_and_counted(live_server):
    chief = _chief(live_server)
    made = chief.post("/api/v1/complaints", {
        "kind": "complaint", "source": "hotline", "category": "attitude", "subject": "窗口人员态度生硬",
        "person": "王先生", "phone": "13912345678", "helper_id": 6, "window": 2, "handler_id": 2})
    assert made.status_code == 201, made.text
    c = made.json()
    assert c["source_name"] == "12345热线" and c["phone"] == "139****5678" and c["window"] == 2
    assert c["helper_name"] == "陈静" and c["handler_name"] == "王芳" and c["status"] == "open"
    assert c["deadline"] > c["received_at"][:10] and c["on_time"] is None
    helper = Api(live_server.url, live_server.helper_session(2, "1006"))
    refused = helper.post(f"/api/v1/complaints/{c['id']}/handle", {"handling": "x", "result": "y", "finding": "founded"})
    assert refused.status_code == 403  # neither its handler nor a supervisor
    no_finding = chief.post(f"/api/v1/complaints/{c['id']}/handle", {"handling": "已核实", "result": "已道歉"})
    assert no_finding.status_code == 422 and no_finding.json()["error"]["code"] == "finding_required"
    done = chief.post(f"/api/v1/complaints/{c['id']}/handle",
                      {"handling": "调取录像核实，约谈当事人", "result": "已向群众道歉并反馈", "finding": "founded"})
    assert done.status_code == 200 and done.json()["on_time"] is True and done.json()["status_name"] == "已处理"
    again = chief.post(f"/api/v1/complaints/{c['id']}/handle", {"handling": "x", "result": "y", "finding": "founded"})
    assert again.status_code == 409
    figures = chief.get("/api/v1/complaints/figures").json()
    assert figures == {"received": 1, "handled": 1, "handled_on_time": 1, "open_late": 0, "on_time_rate": 1.0,
                       "complaints_counted": 1}
    listed = chief.get("/api/v1/complaints", params={"status": "handled"}).json()
    assert [x["id"] for x in listed] == [c["id"]]


def test_bad_complaints_are_refused_in_chinese_never_a_500(sqlite_server):
    chief = _chief(sqlite_server)
    bad = [{"source": "fax", "subject": "x"}, {"source": "phone", "subject": ""},
           {"source": "phone", "subject": "x", "helper_id": 999}, {"source": "phone", "subject": "x", "window": 99},
           {"source": "phone", "subject": "x", "phone": "12"}, {"source": "phone", "subject": "x", "extra": 1},
           {"source": "phone", "subject": "x" * 6000}, {"source": "phone", "subject": "x", "helper_id": "6"}]
    for body in bad:
        r = chief.post("/api/v1/complaints", body)
        assert r.status_code == 422, (body, r.text)
        assert re.search(r"[\u4e00-\u9fff]", r.json()["error"]["message"])
    assert chief.post("/api/v1/complaints/99999/handle", {"handling": "x", "result": "y"}).status_code == 404
    assert chief.post("/api/v1/complaints/0/handle", {"handling": "x", "result": "y"}).status_code == 422
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    assert kiosk.post("/api/v1/complaints", {"source": "phone", "subject": "x"}).status_code == 403


def test_the_public_page_registers_a_complaint(sqlite_server):
    page = requests.get(sqlite_server.url + "/feedback/county", timeout=10)
    assert page.status_code == 200 and "投诉与诉求" in page.text
    assert requests.get(sqlite_server.url + "/feedback/nowhere", timeout=10).status_code == 404
    empty = requests.post(sqlite_server.url + "/feedback/county", data={"kind": "complaint", "subject": ""}, timeout=10)
    assert empty.status_code == 422 and "请填写反映内容" in empty.text
    sent = requests.post(sqlite_server.url + "/feedback/county",
                         data={"kind": "request", "subject": "希望周六开放", "phone": "13912345678"}, timeout=10)
    assert sent.status_code == 201 and "已收到您的反映" in sent.text
    listed = _chief(sqlite_server).get("/api/v1/complaints").json()
    assert listed[0]["source"] == "public_page" and listed[0]["kind_name"] == "诉求"
