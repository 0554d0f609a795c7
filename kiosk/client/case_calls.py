"""Proxy cases (代办件) over HTTP: every call the window terminal's case panel makes. A mixin of
ApiClient: it uses the client's ``_answer`` (parsed with the wire's models), ``_upload`` and ``request``.

    case = helper.open_case(matter_id=11, applicant="刘䶮", applicant_kind="person",
                            id_number="11010519491231002X", phone="13912345678", delivery="pickup")
    helper.add_case_item(case["id"], "received", "施工合同", copies=2, original=True)
    helper.sign_case_form(case["id"], "entrustment", jpeg, "image/jpeg", key)   # the signed page
    coordinator.case_step(case["id"], "accept")
"""
from __future__ import annotations

from typing import Any

from kiosk.wire import answers
from kiosk.wire.records import (
    Case, CaseDocument, CaseItem, CaseProblem, CaseReferral, CaseReferralListed, PublicCase, SignedCase,
)


class CaseCalls:
    # --- the case itself ------------------------------------------------------
    def open_case(self, *, matter_id: int, applicant: str, applicant_kind: str, id_number: str, phone: str,
                  delivery: str = "pickup", ticket_id: int | None = None) -> dict:
        """The case, entrusted (委托书 to print and sign next). The server checks the ID or credit code."""
        body = {"matter_id": matter_id, "applicant": applicant, "applicant_kind": applicant_kind,
                "id_number": id_number, "phone": phone, "delivery": delivery}
        if ticket_id is not None:
            body["ticket_id"] = ticket_id
        return self._answer(Case, "POST", "/api/v1/cases", json=body)

    def get_case(self, case_id: int) -> dict:
        """In full for its helper and supervisors (steps, items, signatures, unsigned, problems ...)."""
        return self._answer(Case, "GET", f"/api/v1/cases/{case_id}")

    def list_cases(self, *, active: bool = False, mine: bool = False, state: str | None = None,
                   due: str | None = None, ticket_id: int | None = None) -> list[dict]:
        """The hall's cases newest first, masked; ``due``: "overdue" or "due_soon"."""
        params: dict[str, Any] = {"active": "true"} if active else {}
        if mine:
            params["mine"] = "true"
        params.update({k: v for k, v in (("state", state), ("due", due), ("ticket_id", ticket_id)) if v})
        return self._answer(list[Case], "GET", "/api/v1/cases", params=params or None)

    def case_step(self, case_id: int, action: str, *, reason: str | None = None, resume_by: str | None = None,
                  note: str = "") -> dict:
        """accept, start, suspend (reason, resume_by YYYY-MM-DD), resume, complete, terminate (reason), archive."""
        body: dict[str, Any] = {"action": action, "note": note}
        if reason is not None:
            body["reason"] = reason
        if resume_by is not None:
            body["resume_by"] = resume_by
        return self._answer(Case, "POST", f"/api/v1/cases/{case_id}/steps", json=body)

    def add_case_item(self, case_id: int, direction: str, name: str, *, copies: int = 1,
                      original: bool = False) -> dict:
        """One line of the 移交清单: ``direction`` "received" from the applicant or "returned" to them."""
        return self._answer(CaseItem, "POST", f"/api/v1/cases/{case_id}/items",
                            json={"direction": direction, "name": name, "copies": copies, "original": original})

    # --- the problem log --------------------------------------------------------
    def raise_case_problem(self, case_id: int, summary: str) -> dict:
        return self._answer(CaseProblem, "POST", f"/api/v1/cases/{case_id}/problems", json={"summary": summary})

    def update_case_problem(self, case_id: int, problem_id: int, status: str, handling: str) -> dict:
        return self._answer(CaseProblem, "POST", f"/api/v1/cases/{case_id}/problems/{problem_id}",
                            json={"status": status, "handling": handling})

    # --- pages: signed forms and the electronic result -------------------------
    def sign_case_form(self, case_id: int, form: str, data: bytes, content_type: str, key: str) -> dict:
        """The person signed ``form`` (entrustment, suspension, resumption, closing): the page as
        the camera took it. {"document", "case"}; the same ``key`` again is the same upload."""
        return self._upload(SignedCase, f"/api/v1/cases/{case_id}/signatures/{form}", data, content_type, key)

    def upload_case_result(self, case_id: int, data: bytes, content_type: str, key: str) -> dict:
        """Electronic delivery: the result, for the applicant to download once with the case's code."""
        return self._upload(SignedCase, f"/api/v1/cases/{case_id}/delivery/result", data, content_type, key)

    def case_documents(self, case_id: int) -> list[dict]:
        return self._answer(list[CaseDocument], "GET", f"/api/v1/cases/{case_id}/documents")

    def case_document(self, document_id: int) -> tuple[bytes, str]:
        """A case page's bytes and content type (the server audits the read)."""
        response = self.request("GET", f"/api/v1/case-documents/{document_id}")
        return response.content, response.headers.get("content-type", "").split(";")[0]

    # --- delivery -----------------------------------------------------------------
    def deliver_case(self, case_id: int, method: str, *, carrier: str = "", tracking_number: str = "") -> dict:
        """"pickup" (needs the signed 办结单) or "ems" with carrier and tracking number."""
        body = {"method": method, "carrier": carrier, "tracking_number": tracking_number}
        return self._answer(Case, "POST", f"/api/v1/cases/{case_id}/delivery", json=body)

    def confirm_case_receipt(self, case_id: int, note: str) -> dict:
        return self._answer(Case, "POST", f"/api/v1/cases/{case_id}/delivery/received", json={"note": note})

    # --- between halls ------------------------------------------------------------
    def refer_case(self, case_id: int, to_hall: str, note: str) -> dict:
        """Offer the case to the hall one level up or down (``hall_neighbours`` lists them)."""
        return self._answer(CaseReferral, "POST", f"/api/v1/cases/{case_id}/referrals",
                            json={"to_hall": to_hall, "note": note})

    def case_referrals(self, direction: str = "in") -> list[dict]:
        """Offers this hall received ("in") or made ("out"), each with the case in brief."""
        return self._answer(list[CaseReferralListed], "GET", "/api/v1/case-referrals", params={"direction": direction})

    def answer_case_referral(self, referral_id: int, accept: bool, answer: str = "") -> dict:
        return self._answer(CaseReferral, "POST", f"/api/v1/case-referrals/{referral_id}/answer",
                            json={"accept": accept, "answer": answer})

    # --- the applicant's side, as a test or a demo plays it -----------------------
    def public_case(self, token: str) -> dict:
        return self._answer(PublicCase, "GET", f"/api/v1/public/cases/{token}")

    def rate_case_online(self, token: str, code: str, score: int) -> dict:
        """The applicant rates a completed case on its public page, with the 查询码."""
        return self._answer(answers.Rating, "POST", f"/api/v1/public/cases/{token}/rating",
                            json={"code": code, "score": score})
