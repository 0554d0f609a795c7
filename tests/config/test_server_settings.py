"""The server's settings: the README says what the declaration says, and a setting in the file
reaches every worker process (it was lost with --workers N)."""
import re
from pathlib import Path

import pytest
import requests

from kiosk.config.server import CalendarSection, ServerSection
from tests.conftest import LiveServer, auth

README = Path(__file__).parents[2] / "README.md"


def readme_table(first_column: str) -> dict[str, list[str]]:
    """The README's table whose header starts with ``first_column``: key -> its other cells."""
    rows, inside = {}, False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| {first_column}"):
            inside = True
        elif inside and line.startswith("|") and not line.startswith("|---"):
            key, *cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[key.strip("`")] = [cell.strip("`") for cell in cells]
        elif inside and not line.startswith("|"):
            break
    return rows


def test_the_readme_table_lists_every_server_key_with_its_variable_option_and_default():
    table = readme_table("key in `[server]`")
    assert set(table) == set(ServerSection.model_fields)
    for key, info in ServerSection.model_fields.items():
        variable, option, default, _meaning = table[key]
        declared = info.json_schema_extra or {}
        assert (variable, option) == (declared.get("env", ""), declared.get("option", "")), key
        if info.default not in (None, ""):  # those two defaults are described in words
            assert default == str(info.default), key


def test_the_readme_table_lists_every_calendar_key():
    table = readme_table("key in `[calendar]`")
    assert set(table) == set(CalendarSection.model_fields)
    assert table["national"][0] == "true" and table["holidays"][0] == "[]"


class ConfiguredServer(LiveServer):
    def __init__(self, data_dir, db_url, config: Path, workers: int = 1):
        super().__init__(data_dir, db_url, workers)
        self.config = config

    def _args(self) -> list[str]:
        return super()._args() + ["--config", str(self.config)]


def nothing_to_rate_message(server: LiveServer) -> str:
    r = requests.post(server.url + "/api/v1/windows/2/ratings", headers=auth(server.device_token("pad", 2)),
                      json={"score": 5, "pad_seq": 1}, timeout=10)
    assert r.status_code == 409, r.text
    return r.json()["error"]["message"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_files_rating_window_reaches_every_worker_and_its_message(tmp_path, postgres_db, workers):
    config = tmp_path / "server.toml"
    config.write_text("[server]\nrating_window_s = 120\n", encoding="utf-8")
    server = ConfiguredServer(tmp_path, postgres_db.url, config, workers=workers)
    try:
        server.start()
        # each request may land on either worker: ask enough times to meet both
        said = {nothing_to_rate_message(server) for _ in range(12)}
    finally:
        server.close()
    assert said == {"按键时本窗口近 2 分钟内没有办结的服务，无法评价"}


def test_the_default_rating_window_is_said_as_ten_minutes(sqlite_server):
    assert re.search(r"近 10 分钟内", nothing_to_rate_message(sqlite_server))
