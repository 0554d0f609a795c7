"""Small helpers the server tests share: JSON calls and an SSE reader."""
from __future__ import annotations

import json

import requests


class Api:
    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token

    def _headers(self, extra=None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path, **kw):
        return requests.get(self.base + path, headers=self._headers(kw.pop("headers", None)), timeout=10, **kw)

    def post(self, path, json_body=None, **kw):
        return requests.post(self.base + path, json=json_body, headers=self._headers(kw.pop("headers", None)),
                             timeout=10, **kw)

    def put(self, path, json_body=None, **kw):
        return requests.put(self.base + path, json=json_body, headers=self._headers(kw.pop("headers", None)),
                            timeout=10, **kw)


def read_events(base: str, token: str, *, after: int | None = None, count: int, timeout: float = 10) -> list[dict]:
    """Read ``count`` events from the stream, resuming after event id ``after``."""
    headers = {"Authorization": f"Bearer {token}"}
    if after is not None:
        headers["Last-Event-ID"] = str(after)
    events: list[dict] = []
    with requests.get(base + "/api/v1/events", headers=headers, stream=True, timeout=timeout) as resp:
        assert resp.status_code == 200, resp.text
        data, event_id = None, None
        for line in resp.iter_lines(decode_unicode=True):
            if line.startswith("id:"):
                event_id = int(line[3:].strip())
            elif line.startswith("data:"):
                data = json.loads(line[5:].strip())
            elif line == "" and data is not None:
                assert data["id"] == event_id
                if data["type"] != "stream.position":
                    events.append(data)
                data = None
                if len(events) >= count:
                    break
    return events
