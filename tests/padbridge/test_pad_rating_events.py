"""Reading the server's rating events, with the field names the server sends."""

from kiosk.padbridge.rating_events import RatingRecorded, RatingRequested, parse_event

REQUESTED = {"id": 7, "type": "rating.requested", "at": "2026-11-23T10:00:00+00:00", "window": 3,
             "service_id": 12, "ticket_id": 40, "number": "A012", "helper_code": "1006", "helper_name": "陈静"}


def test_rating_requested_for_our_window():
    request = parse_event(REQUESTED, window=3)
    assert request == RatingRequested(service_id=12, helper_name="陈静", requested_at=request.requested_at)
    assert request.requested_at.isoformat() == "2026-11-23T10:00:00+00:00"
    assert request.pad_request_id == 12 and request.key == "12"
    assert parse_event(REQUESTED, window=4) is None


def test_rating_recorded_names_the_same_service():
    data = {"id": 9, "type": "rating.recorded", "window": 3, "service_id": 12, "number": "A012", "score": 5}
    assert parse_event(data, 3) == RatingRecorded(12)


def test_other_and_malformed_events_are_ignored():
    assert parse_event({"type": "ticket.called", "window": 3, "service_id": 1}, 3) is None
    assert parse_event({**REQUESTED, "window": "3"}, 3) is None
    assert parse_event({"type": "rating.requested", "window": 3}, 3) is None  # no service: nothing to rate
    assert parse_event({**REQUESTED, "service_id": "12"}, 3) is None
    # the old guesses are gone: a nested or renamed field is not read
    assert parse_event({"type": "rating.requested", "window_number": 3, "service_id": 12}, 3) is None
