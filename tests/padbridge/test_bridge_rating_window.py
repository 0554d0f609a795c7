"""The rating window the bridge uses is the server's setting, declared once, not a number of its own."""

from datetime import datetime, timedelta, timezone

import pytest

from devices.ratepad import PadSettings, RatePad
from kiosk.client import ApiClient
from kiosk.config.roles import ConfigError, check_file
from kiosk.padbridge import BridgeSettings, Outbox, PadBridge
from kiosk.padbridge.rating_events import RatingRequested
from kiosk.config.server import ServerSection


def bridge(tmp_path, rating_window_s):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    pad = RatePad(str(tmp_path / "no-pad-here"), PadSettings())  # never started: presses are not the point
    return PadBridge(3, pad, ApiClient("http://127.0.0.1:9", "bbd_x"), outbox,
                     BridgeSettings(rating_window_s=rating_window_s)), outbox


def requested(seconds_ago: float, service_id: int) -> RatingRequested:
    return RatingRequested(service_id, "陈静", datetime.now(timezone.utc) - timedelta(seconds=seconds_ago))


def test_a_replayed_request_older_than_the_window_is_not_lit(tmp_path):
    short, outbox = bridge(tmp_path, rating_window_s=120)
    try:
        short.on_rating_requested(requested(300, 1))  # a restart replays a five-minute-old request
        assert short.open_request is None
        short.on_rating_requested(requested(60, 2))
        assert short.open_request.service_id == 2
    finally:
        outbox.close()


def test_the_pads_window_is_the_servers_declaration(tmp_path):
    path = tmp_path / "pad.toml"
    path.write_text("[pad]\nrating_window_s = 900\n", encoding="utf-8")
    assert check_file("pad", path).pad.rating_window_s == 900
    path.write_text("[pad]\nrating_window_s = 30\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:  # the server's range, too
        check_file("pad", path)
    assert caught.value.problems == ["[pad] rating_window_s = 30（办结后可评价的秒数）：应在 60–3600 之间"]
    assert BridgeSettings().rating_window_s == ServerSection().rating_window_s
