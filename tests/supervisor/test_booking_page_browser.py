"""The citizen's booking pages in headless Chromium at a small phone's size (390 × 844): book a
slot with no account, read the code once, then cancel with the phone number and that code; a
wrong code is refused in words. Nothing wider than the phone, text at least 24 px (18 pt),
buttons at least 60 px high."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.server.booking_helpers import open_all_day
from tests.supervisor.test_supervisor_browser import _click_and_wait, _not_blank, chrome  # noqa: F401

SHOTS = Path("/work/shots/bookings2")
PHONE = (390, 844)
SIZES = """
const small = [...document.querySelectorAll('p,label,legend,button,select,input')]
  .filter(e => e.offsetParent && parseFloat(getComputedStyle(e).fontSize) < 24 && !e.closest('small'))
  .map(e => e.tagName + ':' + e.textContent.slice(0, 20));
const low = [...document.querySelectorAll('button')].filter(b => b.offsetHeight < 60).map(b => b.textContent);
return [document.documentElement.scrollWidth, small, low];
"""


def _fits_a_phone(driver, name: str) -> None:
    width, small, low = driver.execute_script(SIZES)
    assert width <= PHONE[0], f"{name}: {width} px wide on a {PHONE[0]} px phone"
    assert small == [] and low == [], (name, small, low)
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"phone-{name}.png"))


def test_book_then_cancel_on_a_phone(chrome, sqlite_server):  # noqa: F811
    from selenium.webdriver.common.by import By

    open_all_day(sqlite_server, capacity=2)
    chrome.set_window_size(*PHONE)
    chrome.get(sqlite_server.url + "/book/county")
    _fits_a_phone(chrome, "1-choose-matter")
    _click_and_wait(chrome, "form[method=get] button", lambda d: "matter_id=" in d.current_url)
    _fits_a_phone(chrome, "2-choose-slot")
    chrome.find_element(By.CSS_SELECTOR, "input[name=slot]").click()
    chrome.find_element(By.NAME, "name").send_keys("张三丰")
    chrome.find_element(By.NAME, "phone").send_keys("13912345678")
    from selenium.webdriver.support.ui import Select
    Select(chrome.find_element(By.NAME, "priority_group")).select_by_visible_text("老年人")
    _fits_a_phone(chrome, "2b-filled")
    _click_and_wait(chrome, "form[method=post] button[type=submit]", lambda d: "预约成功" in d.title)
    assert "优先人群：老年人" in chrome.page_source
    code = chrome.find_element(By.CSS_SELECTOR, ".code").text
    assert len(code) == 6 and code.isdigit()
    _fits_a_phone(chrome, "3-booked")
    _not_blank(Image.open(SHOTS / "phone-3-booked.png").convert("RGB"))

    _click_and_wait(chrome, "a[href^='/b/']", lambda d: "我的预约" in d.title)
    assert "已预约" in chrome.page_source and "139****5678" in chrome.page_source
    _fits_a_phone(chrome, "4-my-booking")
    cancel = chrome.find_elements(By.CSS_SELECTOR, "form")[-1]
    cancel.find_element(By.NAME, "phone").send_keys("13912345678")
    cancel.find_element(By.NAME, "code").send_keys("000000" if code != "000000" else "111111")
    _click_and_wait(chrome, "form:last-of-type button", lambda d: "预约码或手机号不正确" in d.page_source)
    _fits_a_phone(chrome, "5-wrong-code")
    cancel = chrome.find_elements(By.CSS_SELECTOR, "form")[-1]
    cancel.find_element(By.NAME, "phone").send_keys("13912345678")
    cancel.find_element(By.NAME, "code").send_keys(code)
    _click_and_wait(chrome, "form:last-of-type button", lambda d: "预约已取消" in d.page_source)
    assert "已取消" in chrome.page_source
    _fits_a_phone(chrome, "6-cancelled")


def test_the_supervisor_page_at_1920(chrome, sqlite_server):  # noqa: F811
    from selenium.webdriver.common.by import By

    from tests.supervisor.test_supervisor_browser import _sign_in

    open_all_day(sqlite_server, capacity=2)
    chrome.set_window_size(1920, 1080)
    _sign_in(chrome, sqlite_server.url)
    chrome.get(sqlite_server.url + "/supervisor/bookings")
    assert chrome.find_element(By.TAG_NAME, "h1").text == "预约与上门"
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 1920
    SHOTS.mkdir(parents=True, exist_ok=True)
    chrome.save_screenshot(str(SHOTS / "supervisor-bookings-1920.png"))
    _not_blank(Image.open(SHOTS / "supervisor-bookings-1920.png").convert("RGB"))
    # the band's change form: the capacity lowered and saved, the table says so
    form = chrome.find_element(By.CSS_SELECTOR, "form.band-edit")
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", form)
    chrome.save_screenshot(str(SHOTS / "supervisor-bands-edit-1920.png"))
    capacity = form.find_element(By.NAME, "capacity")
    capacity.clear()
    capacity.send_keys("1")
    _click_and_wait(chrome, "form.band-edit button[type=submit]", lambda d: "已保存预约时段的修改" in d.page_source)
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 1920
    chrome.save_screenshot(str(SHOTS / "supervisor-bands-changed-1920.png"))
