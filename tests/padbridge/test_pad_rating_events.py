"""Reading the server's rating events."""

import json

from kiosk.client.sse import SseEvent
from kiosk.padbridge.rating_events import RatingRecorded, RatingRequested, parse_event

REQUESTED = {"id": 7, "type": "rating.requested", "at": "2026-11-23T10:00:00+00:00", "window": 3,
             "service_id": 12, "ticket_id": 40, "number": "A012", "helper_code": "1006", "helper_name": "陈静"}


def test_rating_requested_for_our_window():
    event = SseEvent("7", "rating.requested", json.dumps(REQUESTED, ensure_ascii=False))
    request = parse_event(event, window=3)
    assert request == RatingRequested(key="12", helper_name="陈静", requested_at=request.requested_at, timeout_s=None)
    assert request.requested_at.isoformat() == "2026-11-23T10:00:00+00:00"
    assert request.pad_request_id == 12
    assert parse_event(event, window=4) is None


def test_rating_recorded_names_the_same_service():
    data = {"id": 9, "type": "rating.recorded", "window": 3, "service_id": 12, "number": "A012", "score": 5}
    assert parse_event(SseEvent("9", "rating.recorded", json.dumps(data)), 3) == RatingRecorded("12")


def test_other_and_malformed_events_are_ignored():
    assert parse_event(SseEvent("1", "ticket.called", '{"window": 3}'), 3) is None
    assert parse_event(SseEvent("2", "rating.requested", "not json"), 3) is None
    assert parse_event(SseEvent("3", "rating.requested", "[1, 2]"), 3) is None
    assert parse_event(SseEvent("4", "rating.requested", '{"window": "x"}'), 3) is None
    no_service = parse_event(SseEvent("5", "rating.requested", '{"window": 3}'), 3)
    assert no_service.key == "event-5"  # still one rating per request
