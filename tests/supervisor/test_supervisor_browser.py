"""The supervisor pages in headless Chromium: sign in, visit every page, close a follow-up,
watch the overview refresh itself; each page is photographed and the photographs checked.

Set BANGBAN_SHOTS=/some/dir to keep copies of the screenshots for a person to look at.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.server.api import Api
from tests.supervisor.web import busy_morning

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PAGES = [("overview", "大厅概况"), ("ledger", "台账"), ("cases", "到期代办件"), ("follow-ups", "回访整改"),
         ("figures", "统计")]
# Draws a character on a canvas in the page's font; the same pixels as a code point no font has
# means the browser drew the "missing glyph" box (tofu) instead of the character.
TOFU_CHECK = """
const [ch] = arguments;
function pixels(text) {
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const g = c.getContext('2d'); g.font = '48px ' + getComputedStyle(document.body).fontFamily;
  g.fillText(text, 4, 52); return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
}
const drawn = pixels(ch);
return drawn !== pixels('\\u{10FFFD}') && drawn !== pixels('');
"""


def _browser_or_skip():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if importlib.util.find_spec("selenium") is None:
        missing.append("the selenium package (pip install -e '.[test]')")
    if missing:
        reason = (f"headless browser tests need {', '.join(missing)} "
                  "(apt-get install chromium chromium-driver)")
        if os.environ.get("BANGBAN_REQUIRE_BROWSER") == "1":
            pytest.fail("BANGBAN_REQUIRE_BROWSER=1 but " + reason)
        pytest.skip(reason)


@pytest.fixture
def chrome(tmp_path, monkeypatch):
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # Debian's own binaries, named outright: Selenium Manager must not go looking or downloading
    monkeypatch.setenv("SE_OFFLINE", "true")
    monkeypatch.setenv("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # to see CSP refusals and JS errors
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,768", "--lang=zh-CN", "--hide-scrollbars", "--force-device-scale-factor=1",
                f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


class Shots:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(exist_ok=True)
        self.keep = Path(os.environ["BANGBAN_SHOTS"]) if os.environ.get("BANGBAN_SHOTS") else None

    def take(self, driver, name: str, *, full: bool = True) -> Image.Image:
        """The page, its whole height when ``full`` (the window stretched to fit it)."""
        width = driver.get_window_size()["width"]
        if full:
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height + 140, 768), 4000))
        path = self.folder / f"{name}.png"
        driver.save_screenshot(str(path))
        if self.keep:
            self.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.keep / path.name)
        return Image.open(path).convert("RGB")


def _not_blank(image: Image.Image) -> None:
    colours = image.resize((200, 200)).getcolors(200 * 200)
    assert colours and len(colours) > 30, "the page looks blank"
    background = max(colours)[0] / (200 * 200)
    assert background < 0.9, "the page is nearly one colour"


def _has_colour(image: Image.Image, rgb: tuple[int, int, int], at_least: int = 200) -> bool:
    near = sum(n for n, c in image.getcolors(image.width * image.height)
               if all(abs(a - b) <= 6 for a, b in zip(c, rgb)))
    return near >= at_least


def _click_and_wait(driver, selector: str, until) -> None:
    """A click that submits a form returns before the next page has loaded: wait for it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(driver, 10).until(until)


def _sign_in(driver, url: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url + "/supervisor/figures")
    assert "/supervisor/login" in driver.current_url  # sent to sign in, and back afterwards
    driver.find_element(By.NAME, "code").send_keys("1001")
    driver.find_element(By.NAME, "pin").send_keys("246810")
    _click_and_wait(driver, "form button[type=submit]", lambda d: d.current_url.endswith("/supervisor/figures"))


def test_every_page_in_chromium(chrome, sqlite_server, tmp_path):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    busy_morning(sqlite_server)
    shots = Shots(tmp_path / "shots")
    chrome.get(sqlite_server.url + "/supervisor/login")
    shots.take(chrome, "00-login", full=False)
    _sign_in(chrome, sqlite_server.url)
    for key, title in PAGES:
        chrome.set_window_size(1366, 768)
        chrome.get(f"{sqlite_server.url}/supervisor/{key}")
        assert chrome.find_element(By.TAG_NAME, "h1").text == title
        assert chrome.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]").text == title
        image = shots.take(chrome, f"1366-{key}")
        _not_blank(image)
        # nothing wider than the window: no sideways scrolling at 1366 × 768
        assert chrome.execute_script("return document.documentElement.scrollWidth") <= 1366

    # the figures: both charts drawn, in their colours, with their labels
    chrome.get(sqlite_server.url + "/supervisor/figures")
    charts = chrome.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 2 and len(charts[0].find_elements(By.TAG_NAME, "rect")) >= 4
    assert "A 综合帮办" in charts[0].text and "目标 95%" in charts[1].text
    figures = shots.take(chrome, "1366-figures")
    assert _has_colour(figures, (0x1f, 0x5f, 0xa8)) and _has_colour(figures, (0xc2, 0x57, 0x1a))

    # rare characters in names are drawn, not boxes
    chrome.set_window_size(1366, 768)
    chrome.get(sqlite_server.url + "/supervisor/overview")
    assert "周𠮷" in chrome.find_element(By.CSS_SELECTOR, ".window-grid").text
    for ch in ("𠮷", "䶮", "帮"):
        assert chrome.execute_script(TOFU_CHECK, ch), f"{ch} is drawn as a missing-glyph box"

    # the overview refreshes itself: a new ticket shows without reloading
    line = lambda: chrome.find_element(By.CSS_SELECTOR, "table.lines tbody tr:nth-child(4) td:nth-child(2)").text  # noqa: E731
    assert line() == "2"
    Api(sqlite_server.url, sqlite_server.device_token("kiosk")).post(
        "/api/v1/tickets", {"queue_id": 4, "service_type": "help"})
    WebDriverWait(chrome, 12, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _: line() == "3")  # the table is swapped while we read it

    # close the follow-up through its form
    chrome.get(sqlite_server.url + "/supervisor/follow-ups")
    chrome.find_element(By.CSS_SELECTOR, "article.follow-up textarea").send_keys("已电话回访，补齐材料后当场办结")
    _click_and_wait(chrome, "article.follow-up button", lambda d: "closed=" in d.current_url)
    assert "回访已关闭" in chrome.find_element(By.CSS_SELECTOR, ".notice.ok").text
    assert not chrome.find_elements(By.CSS_SELECTOR, "article.follow-up")
    shots.take(chrome, "1366-follow-ups-closed")

    # a 1920 monitor: the overview and the figures use the width
    for key in ("overview", "figures"):
        chrome.set_window_size(1920, 1080)
        chrome.get(f"{sqlite_server.url}/supervisor/{key}")
        _not_blank(shots.take(chrome, f"1920-{key}"))

    # no script error, nothing the Content-Security-Policy refused (inline styles, foreign files)
    problems = [e["message"] for e in chrome.get_log("browser")
                if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]
    assert problems == []

    # signing out ends the session: the pages send the browser back to the sign-in form
    _click_and_wait(chrome, "header form button", lambda d: d.current_url.endswith("/supervisor/login"))
    chrome.get(sqlite_server.url + "/supervisor/ledger")
    assert "/supervisor/login" in chrome.current_url
