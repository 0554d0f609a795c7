"""Server-Sent Events parsing: the stream's bytes in, as they arrive, complete events out
(the WHATWG rules we need)."""
from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True)
class SseEvent:
    id: str | None
    type: str
    data: str


class SseParser:
    def __init__(self) -> None:
        self._pending = ""
        self._data: list[str] = []
        self._type = ""
        self.last_id: str | None = None  # kept across events, as the spec says
        self.retry_ms: int | None = None
        # a chunk may end inside a character (汉字 are three bytes): its first bytes wait for the rest
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, chunk: bytes) -> list[SseEvent]:
        raw, hold = self._pending + self._utf8.decode(chunk), ""
        if raw.endswith("\r"):  # maybe half of a CRLF split across chunks
            raw, hold = raw[:-1], "\r"
        *lines, rest = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._pending = rest + hold
        events = []
        for line in lines:
            if line == "":
                if self._data:
                    events.append(SseEvent(self.last_id, self._type or "message", "\n".join(self._data)))
                self._data, self._type = [], ""
                continue
            if line.startswith(":"):
                continue  # a comment: the server's keep-alive
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                self._data.append(value)
            elif name == "event":
                self._type = value
            elif name == "id" and "\0" not in value:
                self.last_id = value
            elif name == "retry" and value.isdigit():
                self.retry_ms = int(value)
        return events
