"""The event-stream parser every terminal and the pad bridge use: bytes in as they arrive."""

from kiosk.client.sse import SseParser

STREAM = (
    "retry: 2000\n\n"
    ": keep-alive\n\n"
    'id: 7\nevent: rating.requested\ndata: {"id": 7, "type": "rating.requested", "at": "2026-11-23T10:00:00+00:00",'
    ' "window": 3, "service_id": 12, "ticket_id": 40, "number": "A012", "helper_code": "1006", "helper_name": "陈静"}\n\n'
    "id: 8\r\nevent: note\r\ndata: line one\r\ndata: 刘䶮 周𠮷\r\n\r\n"
    "data: no id here\n\n"
).encode()


def test_events_ids_and_multiline_data():
    events = SseParser().feed(STREAM)
    assert [e.type for e in events] == ["rating.requested", "note", "message"]
    assert events[1].data == "line one\n刘䶮 周𠮷"
    assert events[2].id == "8"  # the last id carries over, as the SSE spec says


def test_split_at_every_byte_gives_the_same_events():
    # every cut, including those inside a three- or four-byte character (陈, 䶮, 𠮷)
    whole = SseParser().feed(STREAM)
    for cut in range(len(STREAM) + 1):
        parser = SseParser()
        assert parser.feed(STREAM[:cut]) + parser.feed(STREAM[cut:]) == whole, f"cut at {cut}"


def test_one_byte_at_a_time():
    parser = SseParser()
    events = [e for i in range(len(STREAM)) for e in parser.feed(STREAM[i:i + 1])]
    assert events == SseParser().feed(STREAM)
