"""The event-stream parser every terminal and the pad bridge use."""

from kiosk.client.sse import SseParser

STREAM = (
    "retry: 2000\n\n"
    ": keep-alive\n\n"
    'id: 7\nevent: rating.requested\ndata: {"id": 7, "type": "rating.requested", "at": "2026-11-23T10:00:00+00:00",'
    ' "window": 3, "service_id": 12, "ticket_id": 40, "number": "A012", "helper_code": "1006", "helper_name": "陈静"}\n\n'
    "id: 8\r\nevent: note\r\ndata: line one\r\ndata: line two\r\n\r\n"
    "data: no id here\n\n"
)


def test_events_ids_and_multiline_data():
    events = SseParser().feed(STREAM)
    assert [e.type for e in events] == ["rating.requested", "note", "message"]
    assert events[1].data == "line one\nline two"
    assert events[2].id == "8"  # the last id carries over, as the SSE spec says


def test_split_at_every_position_gives_the_same_events():
    whole = SseParser().feed(STREAM)
    for cut in range(len(STREAM) + 1):
        parser = SseParser()
        assert parser.feed(STREAM[:cut]) + parser.feed(STREAM[cut:]) == whole, f"cut at {cut}"
