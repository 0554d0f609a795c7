"""The supervision pages over HTTP: a complaint registered and handled, a return visit drawn and
recorded, an inspection entered; the liaison reads the figures and the ledger and nothing else."""
import re
from datetime import timedelta

from kiosk.server.timeutil import local_day, utcnow
from tests.supervisor.web import Web, busy_morning

LIAISON = "1010"


def _signed_in(server, code="1001") -> Web:
    web = Web(server)
    assert web.login(code).status_code == 303
    return web


def test_a_complaint_through_its_page(live_server):
    web = _signed_in(live_server)
    csrf = web.csrf("/supervisor/complaints")
    refused = web.post("/supervisor/complaints", {"csrf": csrf, "kind": "complaint", "source": "", "subject": ""})
    assert refused.status_code == 422 and "请从列表中选择来源" in refused.text and "请填写反映内容" in refused.text
    wrong = web.post("/supervisor/complaints", {"csrf": csrf, "kind": "complaint", "source": "phone", "subject": "x",
                                                 "phone": "12ab"})
    assert wrong.status_code == 422 and "联系电话的格式不正确" in wrong.text
    made = web.post("/supervisor/complaints", {
        "csrf": csrf, "kind": "complaint", "source": "hotline", "category": "attitude", "priority": "urgent",
        "subject": "5 号窗口工作人员态度冷漠", "person": "李女士", "phone": "13912345678", "helper_id": "6",
        "window": "5", "handler_id": "2"}, allow_redirects=False)
    assert made.status_code == 303 and "registered=" in made.headers["location"]
    page = web.get(made.headers["location"]).text
    assert "已登记" in page and "5 号窗口工作人员态度冷漠" in page and "139****5678" in page and "13912345678" not in page
    cid = re.search(r'action="/supervisor/complaints/(\d+)/handle"', page).group(1)
    no_csrf = web.post(f"/supervisor/complaints/{cid}/handle", {"handling": "x", "result": "y", "finding": "founded"})
    assert no_csrf.status_code == 403
    no_finding = web.post(f"/supervisor/complaints/{cid}/handle", {"csrf": csrf, "handling": "约谈", "result": "道歉"})
    assert no_finding.status_code == 422 and "核实结论" in no_finding.text
    done = web.post(f"/supervisor/complaints/{cid}/handle", {
        "csrf": csrf, "handling": "调取录像，约谈当事人", "result": "已向李女士道歉并反馈", "finding": "founded"},
        allow_redirects=False)
    assert done.status_code == 303
    page = web.get(done.headers["location"]).text
    assert "已处理完毕" in page and "已向李女士道歉并反馈" in page and "按时" in page and "100.0%" in page
    assert web.post("/supervisor/complaints/99999/handle", {"csrf": csrf, "handling": "x", "result": "y"}).status_code == 404
    exported = web.get("/supervisor/complaints/export", params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("编号,类别,来源") and "12345热线" in lines[1] and "139****5678" in lines[1]
    assert "按时" in lines[1] and "属实" in lines[1]
    xlsx = web.get("/supervisor/complaints/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert web.get("/supervisor/complaints/export", params={"format": "pdf"}).status_code == 422


def test_a_return_visit_through_its_page(sqlite_server):
    busy_morning(sqlite_server)
    web = _signed_in(sqlite_server)
    csrf = web.csrf("/supervisor/return-visits")
    bad = web.post("/supervisor/return-visits/draw", {"csrf": csrf, "first": "2026-13-01", "last": "x"})
    assert bad.status_code == 422 and "请填写正确的起止日期" in bad.text
    today = local_day(utcnow()).isoformat()
    drawn = web.post("/supervisor/return-visits/draw", {"csrf": csrf, "first": today, "last": today, "share": "50",
                                                         "minimum": "2"}, allow_redirects=False)
    assert drawn.status_code == 303
    page = web.get(drawn.headers["location"]).text
    assert "已从 4 件中随机抽取 2 件" in page  # four served with a phone this morning
    vid = re.search(r'action="/supervisor/return-visits/(\d+)/result"', page).group(1)
    assert re.search(r'href="tel:1[0-9]{10}"', page)  # the full number, for the call
    no_score = web.post(f"/supervisor/return-visits/{vid}/result", {"csrf": csrf, "status": "done"})
    assert no_score.status_code == 422 and "请选择群众的满意度" in no_score.text
    done = web.post(f"/supervisor/return-visits/{vid}/result",
                    {"csrf": csrf, "status": "done", "score": "5", "note": "群众表示很满意"}, allow_redirects=False)
    assert done.status_code == 303
    page = web.get(done.headers["location"]).text
    assert "回访已记录" in page and "群众表示很满意" in page and "100.0%" in page


def test_an_inspection_entered_on_the_assessment_page(sqlite_server):
    web = _signed_in(sqlite_server)
    year = local_day(utcnow()).year
    page = web.get("/supervisor/assessment").text
    items = re.findall(r"<td>(服务体系|制度执行|服务效能|信息互动|社会评价|举报投诉)</td>", page)
    assert items == ["服务体系", "制度执行", "服务效能", "信息互动", "社会评价", "举报投诉"]
    csrf = web.csrf("/supervisor/assessment")
    hall = re.search(r'action="/supervisor/assessment/(\d+)/entries"', page).group(1)
    bad = web.post(f"/supervisor/assessment/{hall}/entries", {"csrf": csrf, "year": str(year), "item": "system",
                                                               "count_staff_short": "很多"})
    assert bad.status_code == 422 and "0 到 1000 的整数" in bad.text
    saved = web.post(f"/supervisor/assessment/{hall}/entries", {
        "csrf": csrf, "year": str(year), "item": "system", "count_staff_short": "2",
        "note": "现场检查：专区应配 3 人，在岗 1 人"}, allow_redirects=False)
    assert saved.status_code == 303
    page = web.get(saved.headers["location"]).text
    assert "检查情况已保存" in page and "现场检查：专区应配 3 人，在岗 1 人" in page
    assert re.search(r"<td>服务体系</td><td>20</td><td>16</td>", page)
    assert web.get("/supervisor/assessment", params={"year": "19"}).status_code == 422


def test_the_liaison_reads_figures_and_ledger_only(sqlite_server):
    web = Web(sqlite_server)
    signed = web.login(LIAISON)
    assert signed.status_code == 303 and signed.headers["location"] == "/supervisor/figures"
    figures = web.get("/supervisor/figures")
    assert figures.status_code == 200 and "吴婷（联络员）" in figures.text
    nav = re.findall(r'<a href="/supervisor/([a-z-]+)"', figures.text.split("<nav")[1].split("</nav>")[0])
    assert nav == ["ledger", "figures"]
    assert web.get("/supervisor/ledger").status_code == 200
    for page in ("overview", "cases", "follow-ups", "complaints", "return-visits", "assessment"):
        refused = web.get(f"/supervisor/{page}", allow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"] == "/supervisor/figures?refused=1", page
    assert "联络员负责信息统计报送" in web.get("/supervisor/figures?refused=1").text
    csrf = web.csrf("/supervisor/figures")
    posted = web.post("/supervisor/complaints", {"csrf": csrf, "source": "phone", "subject": "x"}, allow_redirects=False)
    assert posted.status_code == 303 and "refused" in posted.headers["location"]
    # and over the API: their hall's figures and ledger, masked; nothing of another hall, nothing to change
    from tests.server.api import Api
    api = Api(sqlite_server.url, sqlite_server.helper_session(8, LIAISON))
    assert api.get("/api/v1/figures").status_code == 200
    assert api.get("/api/v1/ledger/services").status_code == 200
    assert api.get("/api/v1/ledger/services", params={"full": "true"}).status_code == 403
    assert api.post("/api/v1/return-visits/draw", {"first": "2026-12-01", "last": "2026-12-01"}).status_code == 403
    assert api.get("/api/v1/assessment/2026", params={"hall": 3}).status_code == 403
    assert api.get(f"/api/v1/assessment/{local_day(utcnow() - timedelta(days=1)).year}").status_code == 200
