"""The hall display of an Inner Mongolian hall: Mongolian beside the Chinese of its headings, its
call and its waiting counts; the called number stays the largest thing on the screen."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.client import ApiClient

SHOTS = Path("/work/shots/mongolian")


def test_the_display_shows_mongolian_beside_its_chinese(sqlite_server, start_driver, kiosk_api, queue_ids,
                                                         tmp_path):
    kiosk_api.issue_ticket(queue_id=queue_ids["A"])
    kiosk_api.issue_ticket(queue_id=queue_ids["A"])
    helper = ApiClient(sqlite_server.url, sqlite_server.helper_session(1, code="1001"))
    displays = {language: start_driver("display_driver.py", tmp_path / language, "--url", sqlite_server.url,
                                       "--token", sqlite_server.device_token("display"), "--language", language)
                for language in ("zh", "mn-zh")}
    for display in displays.values():
        display.wait_for(lambda s: s["connected"], what="connected")
    called = helper.call_next(1)
    shots = {}
    for language, display in displays.items():
        shown = display.wait_for(lambda s: s["number"] == called["number"], what="the call")
        # a Chinese-only hall's display is not touched: no label of it is given a Mongolian column
        assert (shown["mongolian_labels"] > 0) == (language == "mn-zh"), shown["mongolian_labels"]
        display.command(f"shot display_{language}")
        display.stop()
        png = tmp_path / language / f"display_{language}.png"
        shots[language] = np.asarray(Image.open(png).convert("L"))
        if SHOTS.parent.is_dir():
            SHOTS.mkdir(exist_ok=True)
            shutil.copy(png, SHOTS / f"display_{language}_1920x1080.png")
    assert shots["zh"].shape == shots["mn-zh"].shape == (1080, 1920)
    changed = np.argwhere(shots["zh"] != shots["mn-zh"])
    assert len(changed) > 2000  # the Mongolian columns are drawn
