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
