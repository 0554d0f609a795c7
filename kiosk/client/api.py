"""The HTTP client every terminal uses: one method per route, JSON in and out, typed errors.

    api = ApiClient("http://127.0.0.1:8181", device_token)
    session = api.sign_in("1006", "246810", window=3)      # -> SignedIn
    helper = api.with_token(session.token)
    ticket = helper.call_next(3)                            # dict, or None when nobody waits

Every answer is parsed with its model in ``kiosk.wire`` (the server answers with the same
models) before a terminal sees it: an answer that is not what the contract says is a
``ServerTrouble``, not a KeyError deep in a screen. Terminals get the parsed body as a dict.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import requests
from pydantic import TypeAdapter, ValidationError

from kiosk.wire import answers as wire
from kiosk.wire.errors import ErrorBody
from kiosk.wire.records import Case, HallRef, Referral

from .booking_calls import BookingCalls
from .case_calls import CaseCalls
from .setup_calls import SetupCalls
from .supervision_calls import SupervisionCalls
from .errors import BY_STATUS, ApiError, ServerTrouble, ServerUnreachable, TooManyAttempts

BAD_ANSWER_MESSAGE = "服务器的回答与约定不符，请联系管理员"

DEFAULT_TIMEOUT = (3.0, 10.0)  # connect, read
UPLOAD_READ_TIMEOUT_S = 30.0  # a camera page is larger than a JSON body


@dataclass(frozen=True)
class SignedIn:
    token: str
    helper: dict  # code, name, role
    window: int


class ApiClient(CaseCalls, SupervisionCalls, BookingCalls, SetupCalls):
    def __init__(self, base_url: str, token: str | None = None, *,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()

    def with_token(self, token: str) -> "ApiClient":
        """The same server under another identity (a helper's session token); shares the connections."""
        return ApiClient(self.base_url, token, timeout=self.timeout, session=self.http)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    # --- plumbing ---------------------------------------------------------
    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                headers: dict | None = None, data: bytes | None = None,
                read_timeout_s: float | None = None) -> requests.Response:
        timeout = self.timeout if read_timeout_s is None else (self.timeout[0], read_timeout_s)
        try:
            response = self.http.request(method, self.base_url + path, json=json, params=params, data=data,
                                         headers={**self.headers(), **(headers or {})}, timeout=timeout)
        except requests.RequestException as exc:
            raise ServerUnreachable(repr(exc)) from exc
        if response.status_code >= 400:
            raise error_from(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        return None if response.status_code == 204 or not response.content else response.json()

    def _answer(self, shape: Any, method: str, path: str, **kwargs: Any) -> Any:
        """The answer, parsed with its wire model ``shape``; None for a 204."""
        return parsed(shape, self._json(method, path, **kwargs))

    def ticket_documents(self, ticket_id: int) -> list[dict]:
        """[{"id", "page", "content_type", ...}] of a ticket's captured pages."""
        return self._answer(list[wire.Document], "GET", f"/api/v1/tickets/{ticket_id}/documents")

    def document_bytes(self, document_id: int) -> tuple[bytes, str]:
        """The page's bytes and its content type (every read is audited by the server)."""
        response = self.request("GET", f"/api/v1/documents/{document_id}")
        return response.content, response.headers.get("content-type", "").split(";")[0]

    def hall_neighbours(self) -> list[dict]:
        """[{"code", "name", "level", "relation": "parent"|"child"}]"""
        return self._answer(list[HallRef], "GET", "/api/v1/halls/neighbours")

    def refer(self, ticket_id: int, to_hall: str, note: str) -> dict:
        return self._answer(Referral, "POST", "/api/v1/referrals",
                            json={"ticket_id": ticket_id, "to_hall": to_hall, "note": note})

    def case_for_ticket(self, ticket_id: int) -> dict | None:
        """The proxy case opened from this ticket, in full (ID and phone unmasked for its helper), or None."""
        found = next(iter(self._answer(list[Case], "GET", "/api/v1/cases", params={"ticket_id": ticket_id})), None)
        return None if found is None else self._answer(Case, "GET", f"/api/v1/cases/{found['id']}")

    def upload_document(self, ticket_id: int, data: bytes, content_type: str, key: str) -> dict:
        """A captured page for a ticket. Same ``key``, same page: a retried upload is never stored twice."""
        return self._upload(wire.Document, f"/api/v1/tickets/{ticket_id}/documents", data, content_type, key)

    def _upload(self, shape: Any, path: str, data: bytes, content_type: str, key: str) -> Any:
        """A page's bytes (JPEG, PNG or PDF), the answer parsed with ``shape``; the same ``key`` again is
        the same upload."""
        response = self.request("POST", path, data=data, headers={"Content-Type": content_type, "Idempotency-Key": key},
                                read_timeout_s=UPLOAD_READ_TIMEOUT_S)
        return parsed(shape, response.json())

    # --- routes -----------------------------------------------------------
    def health(self) -> dict:
        return self._answer(wire.Health, "GET", "/healthz")

    def sign_in(self, helper_code: str, pin: str, window: int) -> SignedIn:
        out = self._answer(wire.SignedIn, "POST", "/api/v1/sessions",
                           json={"helper_code": helper_code, "pin": pin, "window": window})
        return SignedIn(out["token"], out["helper"], out["window"])

    def sign_out(self) -> None:
        self._json("DELETE", "/api/v1/sessions/current")

    def windows(self) -> list[dict]:
        return self._answer(list[wire.WindowInfo], "GET", "/api/v1/windows")

    def report_health(self, component: str, ok: bool, message: str = "") -> None:
        """This machine's device state ("printer", "paper", "camera", "ratepad"), for the staff to see."""
        self._json("POST", "/api/v1/devices/health", json={"component": component, "ok": ok, "message": message})

    def device_health(self) -> list[dict]:
        """Every device state reported in the hall (staff only)."""
        return self._answer(list[wire.DeviceHealthEntry], "GET", "/api/v1/devices/health")

    def hall_clock(self) -> dict:
        """{"timezone": "Asia/Shanghai", "now": ISO 8601}: the hall's clock, as the server keeps it."""
        return self._answer(wire.HallClock, "GET", "/api/v1/hall")

    def catalog(self, q: str | None = None, category: str | None = None) -> dict:
        params = {k: v for k, v in (("q", q), ("category", category)) if v}
        return self._answer(wire.Catalog, "GET", "/api/v1/catalog", params=params or None)

    def waiting(self) -> list[dict]:
        return self._answer(list[wire.QueueWaiting], "GET", "/api/v1/queues/waiting")

    def window_line(self, window: int) -> dict:
        return self._answer(wire.WindowLine, "GET", f"/api/v1/windows/{window}/line")

    def issue_ticket(self, *, queue_id: int | None = None, matter_id: int | None = None,
                     service_type: str = "help", priority_group: str | None = None,
                     phone: str | None = None, idempotency_key: str | None = None) -> dict:
        body = {"service_type": service_type, "priority_group": priority_group, "phone": phone}
        body.update({"queue_id": queue_id} if queue_id is not None else {"matter_id": matter_id})
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self._answer(wire.IssuedTicket, "POST", "/api/v1/tickets", json=body, headers=headers)

    def ticket(self, ticket_id: int) -> dict:
        return self._answer(wire.TicketRecord, "GET", f"/api/v1/tickets/{ticket_id}")

    def call_next(self, window: int) -> dict | None:
        """The ticket now called, or None when nobody waits for this window."""
        return self._answer(wire.Ticket | None, "POST", f"/api/v1/windows/{window}/call-next")

    def recall(self, ticket_id: int) -> dict:
        return self._answer(wire.Ticket, "POST", f"/api/v1/tickets/{ticket_id}/recall")

    def no_show(self, ticket_id: int) -> dict:
        return self._answer(wire.Ticket, "POST", f"/api/v1/tickets/{ticket_id}/no-show")

    def start(self, ticket_id: int) -> dict:
        return self._answer(wire.Ticket, "POST", f"/api/v1/tickets/{ticket_id}/start")

    def transfer(self, ticket_id: int, *, to_window: int | None = None, to_queue: int | None = None,
                 note: str = "") -> dict:
        body = {"to_window": to_window} if to_window is not None else {"to_queue": to_queue}
        return self._answer(wire.Ticket, "POST", f"/api/v1/tickets/{ticket_id}/transfer", json={**body, "note": note})

    def finish(self, ticket_id: int, outcome: str, log: str = "") -> dict:
        return self._answer(wire.Ticket, "POST", f"/api/v1/tickets/{ticket_id}/finish",
                            json={"outcome": outcome, "log": log})

    # --- the rating pad bridge ---------------------------------------------
    def rate(self, window: int, score: int, pad_seq: int, *, service_id: int | None = None,
             pressed_at: str | None = None) -> dict:
        """A pad's press. ``service_id`` and ``pressed_at`` let a press queued while the server was
        away rate the service it was pressed for; the same ``pad_seq`` again is the same rating."""
        body = {"score": score, "pad_seq": pad_seq, "service_id": service_id, "pressed_at": pressed_at}
        return self._answer(wire.Rating, "POST", f"/api/v1/windows/{window}/ratings",
                            json={k: v for k, v in body.items() if v is not None})


@cache
def _adapter(shape: Any) -> TypeAdapter:
    return TypeAdapter(shape)


def parsed(shape: Any, body: Any) -> Any:
    """``body`` checked against its wire model: the JSON form of what the model read (fields
    this client does not know left out), or ServerTrouble when the server broke the contract."""
    adapter = _adapter(shape)
    try:
        return adapter.dump_python(adapter.validate_python(body), mode="json", by_alias=True, exclude_unset=True)
    except ValidationError as exc:
        raise ServerTrouble(BAD_ANSWER_MESSAGE, code="bad_answer") from exc


def error_from(response: requests.Response) -> ApiError:
    """The server's own Chinese message when it sent one; a plain one otherwise."""
    try:
        err = ErrorBody.model_validate(response.json()).error
        code, message = err.code, err.message
    except (ValueError, ValidationError):
        code = message = None
    status = response.status_code
    message = message or (f"服务器暂时出错（{status}），请稍候再试或联系引导台" if status >= 500
                          else f"请求未被受理（{status}）")
    if status == 429:
        retry = response.headers.get("Retry-After")
        return TooManyAttempts(message, code=code, status=status,
                               retry_after_s=int(retry) if retry and retry.isdigit() else None)
    cls = BY_STATUS.get(status, ServerTrouble if status >= 500 else ApiError)
    return cls(message, code=code, status=status)
