"""The 事项清单 imported on the page from the XLSX or CSV halls keep: every bad row named with
its row and column in Chinese and nothing written; a good file whole, in one transaction;
an export read back changes nothing."""
from __future__ import annotations

import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from kiosk.server.models import AuditEntry, Matter
from kiosk.server.spreadsheet_safety import keep_as_text
from tests.server.api import Api
from tests.supervisor.web import Web

HEADING = ["事项名称", "队列前缀", "事项类型", "实施部门", "承诺时限（工作日）", "申请材料", "办理流程", "办理地点", "咨询电话",
           "可代办", "高频事项"]
GOOD = [["企业设立登记", "C", "企业开办", "市场监督管理局", "2个工作日", "申请书；公司章程", "申请；核准", "二楼", "0538-1", "是", "是"],
        ["老年人优待证办理", "A", "民生事务", "民政局", "即办", "身份证\n照片", "申请\n发证", "一楼", "", "否", "否"],
        ["=HYPERLINK(\"x\")", "H", "民生事务", "政务服务中心", "1", "", "", "", "", "", ""]]


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
        for cell in book.active[book.active.max_row]:
            keep_as_text(cell)  # a hall's text that looks like a formula, as Excel keeps it typed with '
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(web: Web, name: str, data: bytes, content_type: str):
    csrf = web.csrf("/supervisor/setup/matters")
    return web.http.post(web.base + "/supervisor/setup/matters/import", data={"csrf": csrf, "hall": "2"},
                         files={"file": (name, data, content_type)}, timeout=20)


def errors_on(html: str) -> list[tuple[str, str, str]]:
    section = html.split('class="import-errors"')[1].split("</section>")[0]
    return re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td class=wrap>([^<]*)</td></tr>", section)


def count(server) -> int:
    with server.database.read() as db:
        return db.scalar(select(func.count()).select_from(Matter).where(Matter.retired_at.is_(None)))


def test_a_bad_file_is_refused_whole_with_every_mistake_named(live_server):
    web = Web(live_server)
    web.login()
    before = count(live_server)
    bad = GOOD + [["", "Z", "其他", "", "三天", "", "", "", "", "也许", ""],
                  ["企业设立登记", "C", "企业开办", "市场监督管理局", "400", "", "", "", "电话号码", "", ""]]
    answer = upload(web, "事项清单.xlsx", xlsx([HEADING, *bad]), "application/octet-stream")
    assert answer.status_code == 422
    assert "“事项清单.xlsx”有 9 处错误，整个文件未导入" in answer.text, re.findall(r"notice error.*?</p>", answer.text)
    assert errors_on(answer.text) == [
        ("5", "事项名称", "请填写事项名称"),
        ("5", "队列前缀", "本大厅没有前缀为“Z”的队列（现有：A、B、C、D、E、F、G、H）"),
        ("5", "事项类型", "应为投资建设、企业开办、民生事务之一"),
        ("5", "实施部门", "请填写实施部门"),
        ("5", "承诺时限（工作日）", "承诺时限（工作日）请填写整数"),
        ("5", "可代办", "请填写“是”或“否”"),
        ("6", "事项名称", "与第 2 行的事项名称重复"),
        ("6", "承诺时限（工作日）", "承诺时限（工作日）不能大于 365"),
        ("6", "咨询电话", "咨询电话的格式不正确"),
    ]
    assert count(live_server) == before  # nothing of the good rows either

    for name, data, why in [("清单.xlsx", b"PK\x03\x04 not really a zip", "无法读取该 XLSX 文件"),
                            ("清单.csv", "名称,队列\n甲,A\n".encode(), "表头）缺少列：事项名称、事项类型、实施部门、承诺时限（工作日）"),
                            ("清单.csv", b"\xff\xfe\x00\x00garbage\x81", "无法识别文件的文字编码"),
                            ("清单.csv", ",".join(HEADING).encode() + b"\n,,,\n", "文件中没有事项"),
                            ("清单.csv", ",".join(HEADING).encode() + "\n空\x00字符,A,民生事务,民政局,1\n".encode(),
                             "<tr><td>2</td><td>事项名称</td><td class=wrap>含有不可见的空字符（NUL），请删除")]:
        refused = upload(web, name, data, "text/csv")
        assert refused.status_code == 422 and why in refused.text, why
    empty = web.http.post(web.base + "/supervisor/setup/matters/import", data={"csrf": "x"}, timeout=10)
    assert empty.status_code == 422 and "请选择要导入的文件" in empty.text


def test_a_good_file_imports_whole_and_an_export_reads_back_unchanged(live_server):
    web, kiosk = Web(live_server), Api(live_server.url, live_server.device_token("kiosk"))
    web.login()
    before = count(live_server)
    done = upload(web, "事项清单.xlsx", xlsx([HEADING, *GOOD]), "application/octet-stream")
    assert done.status_code == 200 and "导入事项清单 事项清单.xlsx：新增 2 项，变更 1 项，未变 0 项" in done.text
    assert count(live_server) == before + 2
    matters = {m["name"]: m for m in kiosk.get("/api/v1/catalog").json()["matters"]}
    assert matters["企业设立登记"]["time_limit_days"] == 2 and matters["企业设立登记"]["materials"] == ["申请书", "公司章程"]
    assert matters["老年人优待证办理"]["time_limit_days"] == 0 and matters["老年人优待证办理"]["steps"] == ["申请", "发证"]
    assert not matters["老年人优待证办理"]["proxy_allowed"] and '=HYPERLINK("x")' in matters

    exported = web.get("/supervisor/setup/matters/export", params={"format": "xlsx"})
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert [c.value for c in sheet[1]] == [*HEADING, "蒙古文名称"] and sheet.max_row == count(live_server) + 1
    formula = next(row for row in sheet.iter_rows() if row[0].value == '=HYPERLINK("x")')[0]
    assert formula.data_type == "s"  # kept as text, never run (spreadsheet_safety)
    csv_file = web.get("/supervisor/setup/matters/export", params={"format": "csv"})
    assert csv_file.content.startswith("\ufeff事项名称,队列前缀".encode())
    assert "'=HYPERLINK" in csv_file.content.decode("utf-8-sig")

    with live_server.database.read() as db:
        audited = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("setup.matter.%")))
    for name, data in [("导出.xlsx", exported.content), ("导出.csv", csv_file.content),
                       ("导出-gbk.csv", csv_file.content.decode("utf-8-sig").encode("gb18030"))]:
        again = upload(web, name, data, "application/octet-stream")
        assert f"未变 {count(live_server)} 项" in again.text and "新增 0 项，变更 0 项" in again.text, \
            (name, re.findall(r"notice [a-z]+.*?</p>", again.text))
    with live_server.database.read() as db:
        assert db.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.like("setup.matter.%"))) == audited  # a round trip changes nothing


def test_a_county_s_whole_list_fits_and_a_file_past_the_limit_is_refused(sqlite_server):
    web = Web(sqlite_server)
    web.login()
    rows = [",".join(HEADING)] + [f"事项{n:04d},D,民生事务,人力资源和社会保障局,5,{'；'.join(['身份证原件及复印件'] * 12)},申请；受理；办结,"
                                  "县政务服务中心一楼,0538-12345,是,否" for n in range(1500)]
    data = "\n".join(rows).encode("utf-8")
    assert len(data) > 500_000  # far past the other forms' 64 KB
    done = upload(web, "全县事项清单.csv", data, "text/csv")
    assert "新增 1500 项" in done.text
    too_big = upload(web, "太大.csv", data * 5, "text/csv")
    assert too_big.status_code == 413 and "提交的内容过长" in too_big.json()["error"]["message"]
