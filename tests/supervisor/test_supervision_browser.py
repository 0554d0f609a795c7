"""A complaint and a return visit through their pages in headless Chromium at 1920 × 1080, the
assessment page and the public feedback page photographed and checked.

Set BANGBAN_SHOTS=/some/dir to keep copies of the screenshots for a person to look at."""
from __future__ import annotations

from kiosk.server.timeutil import local_day, utcnow
from tests.supervisor.test_supervisor_browser import Shots, _click_and_wait, _not_blank, _sign_in, chrome  # noqa: F401
from tests.supervisor.web import busy_morning


def _select(driver, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.NAME, name)).select_by_value(value)


def test_a_complaint_and_a_return_visit_through_their_pages(chrome, sqlite_server, tmp_path):
    from selenium.webdriver.common.by import By

    busy_morning(sqlite_server)
    shots = Shots(tmp_path / "shots")
    _sign_in(chrome, sqlite_server.url)
    chrome.set_window_size(1920, 1080)

    # the citizen writes on the public page
    chrome.get(sqlite_server.url + "/feedback/county")
    _not_blank(shots.take(chrome, "1920-public-feedback-form", full=False))
    chrome.find_element(By.NAME, "subject").send_keys("希望周六上午也能办理社保业务")
    chrome.find_element(By.NAME, "phone").send_keys("13912345678")
    _select(chrome, "kind", "request")
    _click_and_wait(chrome, "form button[type=submit]", lambda d: "已收到您的反映" in d.page_source)
    _not_blank(shots.take(chrome, "1920-public-feedback", full=False))

    # a 12345 complaint registered at the supervisor's page, then handled
    chrome.set_window_size(1920, 1080)
    chrome.get(sqlite_server.url + "/supervisor/complaints")
    assert chrome.find_element(By.TAG_NAME, "h1").text == "投诉诉求"
    _select(chrome, "source", "hotline")
    _select(chrome, "category", "attitude")
    _select(chrome, "helper_id", "6")
    _select(chrome, "window", "5")
    _select(chrome, "handler_id", "2")
    chrome.find_element(By.NAME, "person").send_keys("李女士")
    chrome.find_element(By.NAME, "subject").send_keys("5 号窗口工作人员态度冷漠，材料没有一次说清")
    _click_and_wait(chrome, "form.grid button[type=submit]", lambda d: "registered=" in d.current_url)
    assert "已登记" in chrome.find_element(By.CSS_SELECTOR, ".notice.ok").text
    cards = chrome.find_elements(By.CSS_SELECTOR, "article.follow-up")
    assert len(cards) == 2  # the public page's request and the complaint
    _not_blank(shots.take(chrome, "1920-complaints-open"))
    chrome.set_window_size(1920, 1080)
    complaint = next(c for c in chrome.find_elements(By.CSS_SELECTOR, "article.follow-up") if "态度冷漠" in c.text)
    complaint.find_element(By.NAME, "handling").send_keys("调取录像并约谈当事人")
    complaint.find_element(By.NAME, "result").send_keys("已向李女士道歉，补正材料一次告知")
    from selenium.webdriver.support.ui import Select
    Select(complaint.find_element(By.NAME, "finding")).select_by_value("founded")
    complaint.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(chrome, 10).until(lambda d: "handled=" in d.current_url)
    assert "已处理完毕" in chrome.find_element(By.CSS_SELECTOR, ".notice.ok").text
    assert "已向李女士道歉" in chrome.find_element(By.CSS_SELECTOR, "table").text
    _not_blank(shots.take(chrome, "1920-complaints-handled"))

    # a random return visit drawn and called
    chrome.set_window_size(1920, 1080)
    chrome.get(sqlite_server.url + "/supervisor/return-visits")
    today = local_day(utcnow()).isoformat()
    for name in ("first", "last"):
        field = chrome.find_element(By.NAME, name)
        chrome.execute_script("arguments[0].value = arguments[1]", field, today)
    _click_and_wait(chrome, "form.grid button[type=submit]", lambda d: "drawn=" in d.current_url)
    assert "随机抽取" in chrome.find_element(By.CSS_SELECTOR, ".notice.ok").text
    visit = chrome.find_elements(By.CSS_SELECTOR, "article.follow-up")[0]
    visit.find_element(By.CSS_SELECTOR, "input[name=score][value='4']").click()
    visit.find_element(By.NAME, "note").send_keys("群众认可服务，建议增加引导标识")
    visit.find_element(By.CSS_SELECTOR, "button[value=done]").click()
    WebDriverWait(chrome, 10).until(lambda d: "recorded=" in d.current_url)
    assert "建议增加引导标识" in chrome.find_element(By.CSS_SELECTOR, "table").text
    _not_blank(shots.take(chrome, "1920-return-visits"))

    # the assessment: the seed's table, an inspection entered
    chrome.set_window_size(1920, 1080)
    chrome.get(sqlite_server.url + "/supervisor/assessment")
    rows = [r.text.split("\n")[0] for r in chrome.find_elements(By.CSS_SELECTOR, "table.assessment tbody tr")]
    assert [r.split(" ")[0] for r in rows] == ["服务体系", "制度执行", "服务效能", "信息互动", "社会评价", "举报投诉"]
    card = chrome.find_element(By.ID, "item-information")
    card.find_element(By.NAME, "count_activity_missed").send_keys("1")
    card.find_element(By.NAME, "note").send_keys("未参加 11 月业务培训（见签到表）")
    card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(chrome, 10).until(lambda d: "saved=1" in d.current_url)
    assert "未参加 11 月业务培训" in chrome.find_element(By.CSS_SELECTOR, "table.assessment").text
    _not_blank(shots.take(chrome, "1920-assessment"))

    chrome.set_window_size(1920, 1080)
    chrome.get(sqlite_server.url + "/supervisor/figures")
    assert "投诉诉求按时办结率" in chrome.page_source and "按时办结率" in chrome.page_source
    _not_blank(shots.take(chrome, "1920-figures"))
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 1920

    problems = [e["message"] for e in chrome.get_log("browser")
                if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]
    assert problems == []

    # the liaison: the figures and the ledger, refused elsewhere with the reason in words
    _click_and_wait(chrome, "header form button", lambda d: d.current_url.endswith("/supervisor/login"))
    chrome.get(sqlite_server.url + "/supervisor/overview")
    chrome.find_element(By.NAME, "code").send_keys("1010")
    chrome.find_element(By.NAME, "pin").send_keys("246810")
    _click_and_wait(chrome, "form button[type=submit]", lambda d: "/supervisor/figures" in d.current_url)
    assert [a.text for a in chrome.find_elements(By.CSS_SELECTOR, "nav a")] == ["台账", "统计"]
    chrome.get(sqlite_server.url + "/supervisor/complaints")
    assert chrome.current_url.endswith("/supervisor/figures?refused=1")
    assert "联络员负责信息统计报送" in chrome.find_element(By.CSS_SELECTOR, ".notice.info").text
    chrome.set_window_size(1920, 1080)
    _not_blank(shots.take(chrome, "1920-liaison-refused", full=False))
