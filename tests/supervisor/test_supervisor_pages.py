"""What each supervisor page shows after real work through the API: the hall now, the ledger
(masked unless asked, audited, exported), cases due, follow-ups closed through the form, figures."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from kiosk.server.models import AuditEntry, FollowUp, Hall
from tests.server.api import Api
from tests.supervisor.web import CHIEF, COORDINATOR, Web, busy_morning, serve


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_hall_cases_follow_ups_and_figures_after_a_busy_morning(live_server):
    morning = busy_morning(live_server)
    web = Web(live_server)
    web.login(CHIEF)
    overview = _text(web.get("/supervisor/overview").text)
    assert "1 号窗口 帮办代办1号窗 · 帮办代办专区 周𠮷 代办员" in overview
    assert f"{morning['held']['number']} 已叫号" in overview and "5 号窗口" in overview and "陈静" in overview
    assert "D 人社医保 2" in overview and "3 号窗口 企业开办窗口 · 企业开办分区 暂无人员在岗" in overview
    assert "今日取号 7" in overview and "待回访整改 1" in overview and "逾期代办件 1 即将到期 1" in overview
    live = web.get("/supervisor/overview/live")
    assert live.text.lstrip().startswith('<section class="stats"') and "周𠮷" in live.text  # a fragment

    cases = _text(web.get("/supervisor/cases").text)
    overdue, soon = cases.split("即将到期")
    assert "已逾期 1 件" in overdue and "刘䶮" in overdue and "逾期 5 个工作日" in overdue
    assert "周𠮷" in soon and "还剩 1 个工作日" in soon
    assert "1101**********002X" in cases and "11010519491231002X" not in cases
    assert "139****5678" in cases

    follow = web.get("/supervisor/follow-ups").text
    assert "非常不满意" in follow and "社保卡补办，材料不全" in follow and "138****8000" in follow

    figures = web.get("/supervisor/figures")
    page = figures.text
    assert page.count('<svg class="chart"') == 2 and "<script" not in page.split("</head>")[1]
    assert "A 综合帮办" in page and "D 人社医保" in page and "目标 95%" in page
    assert "社会评价" in page and "需人工评定" in page and "周𠮷" in page  # assessment and the helpers
    assert "满意率 50.0%" in _text(page)  # 5, 4, 3 and 1: two of four satisfied
    bad = web.get("/supervisor/figures", params={"from": "2026-12-01", "to": "2026-11-01"})
    assert bad.status_code == 422 and "起止日期有误" in bad.text
    assert web.get("/supervisor/figures", params={"from": "yesterday"}).status_code == 422

    with live_server.database.read() as db:
        halls = dict(db.execute(select(Hall.code, Hall.id)).all())
    below = web.get("/supervisor/figures", params={"hall": halls["township"]}).text
    assert f'<option value="{halls["township"]}" selected>城关街道便民服务中心' in below
    assert "服务人次 0" in _text(below)
    above = web.get("/supervisor/figures", params={"hall": halls["city"]}).text  # not theirs to see
    assert "泰安市政务服务中心" not in above and "服务人次 4" in _text(above)


def test_closing_a_follow_up_through_the_form_with_its_csrf_token(sqlite_server):
    busy_morning(sqlite_server)
    web, other = Web(sqlite_server), Web(sqlite_server)
    web.login(CHIEF)
    other.login(COORDINATOR)
    page = web.get("/supervisor/follow-ups").text
    fid = int(re.search(r'action="/supervisor/follow-ups/(\d+)/close"', page).group(1))
    for forged in (None, "", "é", other.csrf()):  # missing, empty, odd, another session's: nothing changes
        form = {"note": "已回访"} if forged is None else {"note": "已回访", "csrf": forged}
        refused = web.post(f"/supervisor/follow-ups/{fid}/close", form)
        assert refused.status_code == 403 and "表单已过期或来自其他网站" in refused.text
    assert '待处理 <span class="count">1 件' in web.get("/supervisor/follow-ups").text
    csrf = web.csrf("/supervisor/follow-ups")
    empty = web.post(f"/supervisor/follow-ups/{fid}/close", {"csrf": csrf, "note": "   "})
    assert empty.status_code == 422 and "请填写回访和整改情况" in empty.text
    closed = web.post(f"/supervisor/follow-ups/{fid}/close",
                      {"csrf": csrf, "note": "已电话回访，<b>补齐材料</b>后当场办结"}, allow_redirects=False)
    assert closed.status_code == 303 and closed.headers["location"] == f"/supervisor/follow-ups?closed={fid}"
    shown = web.get(closed.headers["location"]).text
    assert f"第 {fid} 号回访已关闭" in shown and "没有待处理的回访" in shown
    assert "&lt;b&gt;补齐材料&lt;/b&gt;" in shown and "<b>补齐材料" not in shown  # escaped, as everything
    with sqlite_server.database.read() as db:
        follow = db.get(FollowUp, fid)
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "followup.close"))
    assert follow.status == "closed" and follow.closed_by == entry.helper_id and entry.device_id is None
    again = web.post(f"/supervisor/follow-ups/{fid}/close", {"csrf": csrf, "note": "再关一次"})
    assert again.status_code == 409 and "该回访记录已经关闭" in again.text
    helper = Api(sqlite_server.url, sqlite_server.helper_session(3, "1007"))
    assert helper.get("/api/v1/follow-ups", params={"status": "closed"}).json()[0]["note"].startswith("已电话回访")


def test_the_ledger_filters_pages_masks_and_exports(sqlite_server):
    busy_morning(sqlite_server)
    kiosk = Api(sqlite_server.url, sqlite_server.device_token("kiosk"))
    helper = Api(sqlite_server.url, sqlite_server.helper_session(8, "1008"))
    for n in range(50):
        serve(sqlite_server, helper, 8, 8, log=f"咨询{n} <script>alert(1)</script>", kiosk=kiosk)
    web = Web(sqlite_server)
    web.login(CHIEF)
    first = web.get("/supervisor/ledger")
    assert "第 1 / 2 页，共 55 条" in _text(first.text)
    assert first.text.count("<tr>") == 51  # the header and 50 rows
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in first.text and "<script>alert" not in first.text
    assert "139****5670" in first.text and "13912345670" not in first.text
    second = web.get("/supervisor/ledger", params={"page": 2})
    assert "第 2 / 2 页，共 55 条" in _text(second.text) and second.text.count("<tr>") == 6

    found = web.get("/supervisor/ledger", params={"q": "社保卡"}).text
    assert "共 1 条" in _text(found) and "D001" in found
    whole = web.get("/supervisor/ledger", params={"q": "第1位", "full": "1"}).text
    assert "13912345670" in whole
    with sqlite_server.database.read() as db:
        reads = [e.detail for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.read"))]
    assert [r["unmasked"] for r in reads] == [False, False, False, True] and reads[-1]["via"] == "web"

    cases = web.get("/supervisor/ledger", params={"kind": "cases"}).text
    assert "1101**********002X" in cases and "刘䶮" in cases and "周𠮷" in cases
    exported = web.get("/supervisor/ledger/export", params={"kind": "cases", "format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"].startswith('attachment; filename="cases-')
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["受理单编号", "事项", "申请人（单位）", "证件号码"]
    assert [row[3] for row in table[1:]] == ["1101**********002X"] * 2
    book = load_workbook(io.BytesIO(web.get("/supervisor/ledger/export", params={
        "format": "xlsx", "q": "第1位", "full": "1"}).content))
    sheet = book["服务台账"]
    assert sheet["A1"].value == "号码" and sheet.max_row == 2 and sheet["G2"].value == "13912345670"
    stranger = Web(sqlite_server).get("/supervisor/ledger/export", params={"format": "csv"}, allow_redirects=False)
    assert stranger.status_code == 303 and not stranger.content.startswith(b"\xef\xbb\xbf")


def test_a_kiosk_s_paper_running_out_is_on_the_overview_in_time(sqlite_server):
    from kiosk.client import ApiClient

    kiosk = ApiClient(sqlite_server.url, sqlite_server.device_token("kiosk", name="大厅自助取号机"))
    web = Web(sqlite_server)
    web.login()
    assert "设备故障" not in web.get("/supervisor/").text
    kiosk.report_health("paper", False, "凭条纸将用完，请及时更换纸卷")  # as the kiosk reports it
    page = web.get("/supervisor/").text
    assert "设备故障" in page and "大厅自助取号机" in page and "凭条纸将用完" in page
    kiosk.report_health("paper", True)
    assert "凭条纸将用完" not in web.get("/supervisor/").text
