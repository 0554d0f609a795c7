"""Routes the window terminal needs that ``kiosk.client.ApiClient`` does not have yet:
documents, proxy cases, the neighbouring halls and referrals. Plain functions over an
``ApiClient`` so the lead can move them into the client as methods unchanged.

    pages = ticket_documents(helper_api, ticket_id)      # [{"id", "page", "content_type", ...}]
    data, kind = document_bytes(helper_api, pages[0]["id"])
"""
from __future__ import annotations

from kiosk.client import ApiClient


def ticket_documents(api: ApiClient, ticket_id: int) -> list[dict]:
    return api._json("GET", f"/api/v1/tickets/{ticket_id}/documents")


def document_bytes(api: ApiClient, document_id: int) -> tuple[bytes, str]:
    """The page's bytes and its content type (every read is audited by the server)."""
    response = api.request("GET", f"/api/v1/documents/{document_id}")
    return response.content, response.headers.get("content-type", "").split(";")[0]


def hall_neighbours(api: ApiClient) -> list[dict]:
    """[{"code", "name", "level", "relation": "parent"|"child"}]"""
    return api._json("GET", "/api/v1/halls/neighbours")


def refer(api: ApiClient, ticket_id: int, to_hall: str, note: str) -> dict:
    return api._json("POST", "/api/v1/referrals", json={"ticket_id": ticket_id, "to_hall": to_hall, "note": note})


def case_for_ticket(api: ApiClient, ticket_id: int) -> dict | None:
    """The proxy case opened from this ticket, in full (ID and phone unmasked for its helper), or None."""
    found = next(iter(api._json("GET", "/api/v1/cases", params={"ticket_id": ticket_id})), None)
    return None if found is None else api._json("GET", f"/api/v1/cases/{found['id']}")

