"""Delivering a completed case's result (结果交付, seed 004: 当面领取或通过邮政EMS送证上门):
at the counter against the signed 办结单, by post until the receipt is confirmed, or online,
fetched once by the applicant with the case's code."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server import cases
from kiosk.server.auth import Caller
from kiosk.server.errors import ApiError
from kiosk.server.models import Case, CaseDelivery, CaseDocument, CaseSignature, CaseStep
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import local_day, utcnow

MAX_CODE_FAILURES = 10  # then only the helper, who can read the code out, can help


def _move(db: Session, caller: Caller | None, case: Case, action: str, method: str | None = None,
          note: str = "") -> None:
    try:
        target = case_states.next_state(case.state, case_states.Step(action, method=method),
                                           local_day(utcnow()))
    except case_states.IllegalCaseStep as exc:
        raise ApiError(409, "illegal_case_step", exc.message) from None
    before, case.state = case.state, target
    if caller is None:
        cases.record_step(db, case, action, before, helper_id=None, device_id=None, note=note)
    else:
        cases.staff_step(db, caller, case, action, before, note=note)


def _closing_signed(db: Session, case: Case) -> bool:
    return db.scalar(select(CaseSignature.id).join(CaseStep, CaseStep.id == CaseSignature.step_id).where(
        CaseSignature.case_id == case.id, CaseSignature.form == "closing",
        CaseStep.action == "complete")) is not None


def deliver(db: Session, caller: Caller, case_id: int, method: str, *, carrier: str = "",
            tracking_number: str = "", document: CaseDocument | None = None) -> Case:
    """Record how the result goes out: pickup ends the delivery, post leaves the case "sent",
    electronic leaves it "ready_online" until the applicant downloads it."""
    if caller.helper is None:
        raise ApiError(403, "forbidden", "结果交付须由帮办代办员登记")
    case = cases.case_for_update(db, caller, case_id)
    if case.state != "completed":
        raise ApiError(409, "illegal_case_step", f"代办件当前为“{case_states.STATE_NAMES[case.state]}”，不能交付结果")
    if method == "pickup" and not _closing_signed(db, case):
        raise ApiError(409, "closing_unsigned", "当面领取须先登记服务对象签字确认的办结单（拍摄签字页）")
    note = {"pickup": "当面领取，已签办结单", "ems": f"{carrier.strip()} {tracking_number}",
            "electronic": "办理结果已上传，待服务对象下载"}[method]
    _move(db, caller, case, "deliver", method, note)
    now = utcnow()
    db.add(CaseDelivery(case_id=case.id, method=method, carrier=carrier.strip(), tracking_number=tracking_number,
                        document_id=document.id if document else None, sent_at=now,
                        received_at=now if method == "pickup" else None,
                        received_by="citizen" if method == "pickup" else None))
    audit(db, caller, "case.deliver", case.ticket_id, case_id=case.id, method=method)
    return case


def confirm_receipt(db: Session, caller: Caller | None, case: Case, note: str) -> Case:
    """The post arrived: confirmed by the helper after a call, or by the applicant on the page."""
    delivery = db.get(CaseDelivery, case.id, with_for_update=True)
    if case.state != "sent" or delivery is None:
        raise ApiError(409, "not_sent", "该代办件的办理结果没有处于“已寄出”状态，无需确认签收")
    _move(db, caller, case, "receive", note=note)
    delivery.received_at = utcnow()
    delivery.received_by = "citizen" if caller is None else "helper"
    if caller is None:
        cases.citizen_audit(db, case, "case.receive")
    else:
        audit(db, caller, "case.receive", case.ticket_id, case_id=case.id)
    return case


def fetch_result(db: Session, case: Case) -> CaseDocument:
    """The applicant downloads the electronic result: once; that ends the delivery."""
    delivery = db.get(CaseDelivery, case.id, with_for_update=True)
    if delivery is None or delivery.method != "electronic":
        raise ApiError(404, "not_found", "该代办件没有电子送达的办理结果")
    if case.state != "ready_online":
        raise ApiError(410, "already_downloaded", "办理结果已下载过（仅可下载一次），如需再次获取请联系帮办代办员")
    _move(db, None, case, "download", note="服务对象凭查询码下载办理结果")
    delivery.received_at, delivery.received_by = utcnow(), "citizen"
    cases.citizen_audit(db, case, "case.download", document_id=delivery.document_id)
    return db.get(CaseDocument, delivery.document_id)


def code_matches(case: Case, code: str) -> bool:
    """Whether ``code`` is the case's; a wrong one is counted (the caller commits the count)."""
    if case.code_failures >= MAX_CODE_FAILURES:
        return False
    if code == case.public_code:
        return True
    case.code_failures += 1
    return False


def wrong_code(case: Case) -> ApiError:
    if case.code_failures >= MAX_CODE_FAILURES:
        return ApiError(429, "code_locked", "查询码错误次数过多，已锁定，请联系帮办代办员")
    return ApiError(403, "wrong_code", "查询码不正确，请核对受理单上的 6 位查询码")
