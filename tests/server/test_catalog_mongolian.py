"""A matter may carry its name in traditional Mongolian (name_mn); the demo hall has a few."""
from kiosk.client import ApiClient
from kiosk.domain.words_mn import MATTER_NAMES


def test_the_catalogue_carries_mongolian_names_where_a_matter_has_one(live_server):
    api = ApiClient(live_server.url, live_server.device_token("kiosk"))
    matters = {m["name"]: m for m in api.catalog()["matters"]}
    for name, entry in MATTER_NAMES.items():
        assert matters[name]["name_mn"] == entry.mongolian
    without = [m for name, m in matters.items() if name not in MATTER_NAMES]
    assert without and all(m["name_mn"] is None for m in without)  # the kiosk shows these in Chinese alone


def test_a_hall_gives_its_own_matter_a_mongolian_name_on_the_setup_page(sqlite_server):
    from tests.server.test_setup_catalogue import catalogue, notice, setup_post
    from tests.supervisor.web import Web

    web, kiosk = Web(sqlite_server), sqlite_server.device_token("kiosk")
    web.login()
    fields = dict(form="matter", name="牧区草场承包登记", queue_id="3", category="livelihood", department="农牧局",
                  time_limit_days="5", proxy_allowed="是", high_frequency="否", name_mn="ᠪᠠᠶᠢᠴᠠᠭᠠᠯᠲᠠ")
    assert notice(setup_post(web, "/supervisor/setup/matters", **fields).text, "ok") == "新增事项：牧区草场承包登记"
    found = next(m for m in catalogue(sqlite_server, kiosk)["matters"] if m["name"] == "牧区草场承包登记")
    assert found["name_mn"] == "ᠪᠠᠶᠢᠴᠠᠭᠠᠯᠲᠠ"
    exported = web.get("/supervisor/setup/matters/export?format=csv")
    assert exported.status_code == 200 and "蒙古文名称" in exported.content.decode("utf-8-sig")
