"""A hall set up from an empty database in headless Chromium: made by ``bangban hall create``
with its first chief, then its area, queues, window, 事项清单 (an XLSX file) and a helper
entered on the pages; a ticket for an imported matter is then issued and served through the
API by the same server process, never restarted. Each page is photographed at 1920 × 1080.

Set BANGBAN_SHOTS=/some/dir to keep copies of the screenshots for a person to look at.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import requests
from openpyxl import Workbook

from kiosk.server.admin import add_device
from tests.conftest import LiveServer, auth
from tests.server.api import Api
from tests.supervisor.test_supervisor_browser import Shots, _click_and_wait, _not_blank, chrome  # noqa: F401

XLSX_ROWS = [
    ["事项名称", "队列前缀", "事项类型", "实施部门", "承诺时限（工作日）", "申请材料", "办理流程", "办理地点", "咨询电话", "可代办", "高频事项"],
    ["城乡居民养老保险参保登记", "A", "民生事务", "人力资源和社会保障局", 1, "身份证\n户口簿", "申请\n登记", "一楼 1 号窗口", "0533-5181234", "是", "是"],
    ["企业设立登记", "B", "企业开办", "市场监督管理局", 3, "公司登记（备案）申请书；公司章程", "申请；审核；发照", "一楼 2 号窗口", "0533-5181235", "是", "是"],
    ["建筑工程施工许可证核发", "B", "投资建设", "住房和城乡建设局", 7, "施工许可申请表；施工合同", "网上申报；受理；核发", "", "", "是", "否"],
]


@pytest.fixture
def empty_server(tmp_path, monkeypatch):
    """The tests' server harness on a database with no hall at all."""
    monkeypatch.setattr("kiosk.server.admin.seed_demo", lambda _database: False)
    server = LiveServer(tmp_path, None)
    server.start()
    yield server
    server.close()


def bangban(server, *args) -> str:
    done = subprocess.run([sys.executable, "-m", "kiosk.commands.cli", *args, "--data", str(server.data_dir)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _fill(driver, form: str, **fields) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in fields.items():
        element = driver.find_element(By.CSS_SELECTOR, f"{form} [name={name}]")
        if element.tag_name == "select":
            Select(element).select_by_visible_text(value)
        else:
            element.clear()
            element.send_keys(value)


def _notices(driver) -> str:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        return " ".join(n.text for n in driver.find_elements(By.CSS_SELECTOR, ".notice"))
    except StaleElementReferenceException:  # the next page is loading
        return ""


def _ok(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, ".notice.ok").text


def test_a_hall_set_up_from_nothing_serves_its_first_ticket(chrome, empty_server, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    url, shots = empty_server.url, Shots(tmp_path / "shots")
    bangban(empty_server, "hall", "create", "--code", "zc", "--name", "淄川区政务服务中心", "--level", "county")
    bangban(empty_server, "helper", "add", "--code", "9001", "--name", "韩晓光", "--pin", "135790", "--role", "chief",
            "--hall", "zc")
    pid = empty_server.proc.pid
    chrome.set_window_size(1920, 1080)
    chrome.get(url + "/supervisor/login")
    _fill(chrome, "form", code="9001", pin="135790")
    _click_and_wait(chrome, "form button[type=submit]", lambda d: d.current_url.endswith("/supervisor/overview"))

    chrome.get(url + "/supervisor/setup")
    assert "还没有区域" in chrome.page_source and "还没有队列" in chrome.page_source
    shots.take(chrome, "setup-00-empty", full=False)
    _fill(chrome, "#area-form", name="帮办代办专区", kind="帮办代办专区")
    _click_and_wait(chrome, "#area-form button", lambda d: "ok=" in d.current_url)
    assert _ok(chrome) == "已完成：新增区域：帮办代办专区（帮办代办专区）"
    for prefix, name, kind in (("A", "综合帮办", "帮办"), ("B", "代办服务", "代办"), ("A", "重复", "帮办")):
        _fill(chrome, "#queue-form", prefix=prefix, name=name, service_type=kind, area_id="帮办代办专区")
        _click_and_wait(chrome, "#queue-form button", lambda d, text=f"{prefix} {name}": text in _notices(d)
                        or "已被" in _notices(d))
    assert "队列前缀“A”已被队列“综合帮办”使用" in chrome.find_element(By.CSS_SELECTOR, ".notice.error").text
    assert chrome.find_element(By.CSS_SELECTOR, "#queue-form [name=name]").get_attribute("value") == "重复"  # kept
    _not_blank(shots.take(chrome, "setup-01-areas-queues", full=False))

    chrome.get(url + "/supervisor/setup/windows")
    _fill(chrome, "#window-form", number="1", name="帮办代办1号窗", area_id="帮办代办专区")
    for box in chrome.find_elements(By.CSS_SELECTOR, "#window-form input[name=queue_ids]"):
        box.click()
    _click_and_wait(chrome, "#window-form button", lambda d: "ok=" in d.current_url)
    assert _ok(chrome) == "已完成：新增窗口：1 号 帮办代办1号窗，服务队列 A、B"
    shots.take(chrome, "setup-02-windows", full=False)

    book = Workbook()
    for row in XLSX_ROWS:
        book.active.append(row)
    book.save(tmp_path / "淄川区事项清单.xlsx")
    chrome.get(url + "/supervisor/setup/matters")
    chrome.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(tmp_path / "淄川区事项清单.xlsx"))
    _click_and_wait(chrome, "form[enctype] button", lambda d: "ok=" in d.current_url)
    assert "新增 3 项，变更 0 项，未变 0 项" in _ok(chrome)
    assert len(chrome.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == 3
    _not_blank(shots.take(chrome, "setup-03-matters", full=False))
    chrome.get(url + "/supervisor/setup/changes")
    assert chrome.page_source.count("新增") >= 3
    shots.take(chrome, "setup-04-changes", full=False)

    chrome.get(url + "/supervisor/staff")
    _fill(chrome, "#staff-form", code="9002", name="孟庆华", role="帮办员", post="综合窗口", unit="淄川区行政审批服务局",
          phone="0533-5181236", skills="社保；医保")
    _click_and_wait(chrome, "#staff-form button", lambda d: d.find_elements(By.CSS_SELECTOR, ".pin"))
    pin = chrome.find_element(By.CSS_SELECTOR, ".pin").text
    shots.take(chrome, "setup-05-staff", full=False)

    # the first citizen: a ticket for an imported matter, called and served at the new window
    kiosk = Api(url, add_device(empty_server.database, "kiosk", "一号取号机", None, "zc"))
    matter = next(m for m in kiosk.get("/api/v1/catalog").json()["matters"] if m["name"] == "企业设立登记")
    assert matter["materials"] == ["公司登记（备案）申请书", "公司章程"] and matter["time_limit_days"] == 3
    ticket = kiosk.post("/api/v1/tickets", {"matter_id": matter["id"], "service_type": "proxy"}).json()
    assert ticket["number"] == "B001"
    terminal = add_device(empty_server.database, "window", "一号窗口终端", 1, "zc")
    signed = requests.post(url + "/api/v1/sessions", headers=auth(terminal),
                           json={"helper_code": "9002", "pin": pin, "window": 1}, timeout=10)
    helper = Api(url, signed.json()["token"])
    assert helper.post("/api/v1/windows/1/call-next").json()["number"] == "B001"
    helper.post(f"/api/v1/tickets/{ticket['id']}/start")
    served = helper.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "done", "log": "帮助填写申请书"})
    assert served.json()["status"] == "finished" and empty_server.proc.pid == pid  # never restarted

    chrome.get(url + "/supervisor/overview")
    assert "帮办代办专区" in chrome.find_element(By.CSS_SELECTOR, ".staff-minimums").text
    shots.take(chrome, "setup-06-overview", full=False)
    chrome.get(url + "/public/halls/zc/staff")
    assert "孟庆华" in chrome.page_source and "0533-5181236" in chrome.page_source
    shots.take(chrome, "setup-07-public-staff", full=False)
    assert re.search(r"淄川区政务服务中心", chrome.title)
    problems = [e["message"] for e in chrome.get_log("browser")
                if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]
    assert problems == [f"{url}/supervisor/setup/queues - Failed to load resource: the server responded with a "
                        "status of 409 (Conflict)"]  # the prefix clash above, refused as it should be
