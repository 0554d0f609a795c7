"""The kiosk follows the hall's set-up without a restart: a matter added on the setup page
shows on the kiosk's matter screen while it is open (the kiosk under Xvfb, the server real)."""
from __future__ import annotations

from tests.ui.kiosk_app.conftest import Kiosk, kiosk_display, start_kiosk  # noqa: F401  (the kiosk harness)
from tests.supervisor.web import Web


def test_a_matter_added_on_the_page_reaches_an_open_kiosk(start_kiosk, sqlite_server):  # noqa: F811
    kiosk = start_kiosk()
    kiosk.wait_for(lambda s: s["catalog"], what="the catalogue loaded")
    kiosk.do("tap 帮办", "tap 企业开办")
    shown = kiosk.wait_for(lambda s: s["screen"] == "matter" and s["choices"], what="the matter grid")
    assert not any("个体工商户设立登记" in c for c in shown["choices"])

    web = Web(sqlite_server)
    web.login()
    web.post("/supervisor/setup/matters", {
        "csrf": web.csrf(), "form": "matter", "name": "个体工商户设立登记", "queue_id": "3", "category": "business",
        "department": "市场监督管理局", "time_limit_days": "1", "materials": "经营者身份证", "high_frequency": "是"})
    seen = kiosk.wait_for(lambda s: any("个体工商户设立登记" in c for c in s["choices"]), what="the new matter shown")
    assert seen["screen"] == "matter"  # the visitor stays where they were
    web.post("/supervisor/setup/matters/7/delete", {"csrf": web.csrf()})  # 企业简易注销登记, never asked for
    kiosk.wait_for(lambda s: not any("企业简易注销登记" in c for c in s["choices"]), what="the deleted matter gone")


def test_the_display_posts_the_staff_after_its_notice(sqlite_server, tmp_path):
    """What the display's scrolling notice says once it has read the posted list (公示)."""
    from kiosk.client import ApiClient
    from kiosk.ui.hall_display.screen import DEFAULT_NOTICE, with_posted_staff

    posted = ApiClient(sqlite_server.url, sqlite_server.device_token("display")).posted_staff()
    text = with_posted_staff(DEFAULT_NOTICE, posted["staff"])
    assert text.startswith(DEFAULT_NOTICE + " · 帮办代办人员公示：李明华（首席帮办代办员，示范县政务服务中心，13905381001）；")
    assert "吴婷（联络员，示范县政务服务中心，13905381010）" in text
    assert with_posted_staff("通知", []) == "通知"
    many = [{"name": f"人员{n}", "role": "helper", "unit": "单位", "phone": ""} for n in range(40)]
    assert with_posted_staff("通知", many).endswith("人员11（帮办员，单位，—）等 40 人，详见帮办代办专区公示栏")
