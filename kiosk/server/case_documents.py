"""A case's pages: each signed form captured by the camera (委托书, 中止单, 续办委托书, 办结/终止单), and
the electronic result. Stored as a ticket's captured pages are; only the staff of the case's halls read
them, and every read is audited."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server import case_delivery, cases
from kiosk.server.audit_trail import audit
from kiosk.server.auth import Caller, require
from kiosk.server.errors import ApiError, not_found
from kiosk.server.models import Case, CaseDocument, CaseSignature, CaseStep
from kiosk.server.stored_files import new_name, removed_unless_recorded
from kiosk.server.timeutil import iso, utcnow

CaseView = Callable[[Session, Case], dict]  # the case as the caller's answer shows it


def document_out(d: CaseDocument) -> dict:
    return {"id": d.id, "case_id": d.case_id, "kind": d.kind, "content_type": d.content_type, "size": d.size,
            "sha256": d.sha256, "uploaded_at": iso(d.uploaded_at)}


def _signed_step(db: Session, case: Case, form: str) -> CaseStep:
    """The step whose form is signed: the latest of its kind, not signed yet."""
    step = db.scalar(select(CaseStep).where(CaseStep.case_id == case.id,
                                            CaseStep.action.in_(case_states.FORM_STEPS[form]))
                     .order_by(CaseStep.id.desc()).limit(1))
    name = case_states.SIGNED_FORMS[form]
    if step is None:
        raise ApiError(409, "nothing_to_sign", f"该代办件还没有需要签署的{name}")
    if db.scalar(select(CaseSignature.id).where(CaseSignature.step_id == step.id)) is not None:
        raise ApiError(409, "already_signed", f"{name}的签字已经登记过了")
    return step


def _keep(database, root: Path, who: Caller, case_id: int, kind: str, content_type: str, data: bytes,
          key: str | None, then, view: CaseView) -> tuple[dict, int]:
    """Store the page and record it with ``then(db, case, document)`` in one transaction; a
    repeated Idempotency-Key answers what the first upload made."""
    if who.helper is None:
        raise ApiError(403, "forbidden", "签字页和办理结果须由帮办代办员上传")
    with removed_unless_recorded(root) as write, database.write() as db:
        case = cases.case_for_update(db, who, case_id)
        if key:
            existing = db.scalar(select(CaseDocument).where(CaseDocument.case_id == case.id,
                                                            CaseDocument.idempotency_key == key))
            if existing is not None:
                return {"document": document_out(existing), "case": view(db, case)}, 200
        ready = then(db, case, None)  # refuses before anything is written
        written = new_name(f"case-documents/{case.hall_id}/{case.id}", content_type)
        write(written, data)
        doc = CaseDocument(case_id=case.id, kind=kind, content_type=content_type, size=len(data),
                           sha256=hashlib.sha256(data).hexdigest(), path=written, idempotency_key=key,
                           device_id=who.device.id, helper_id=who.helper.id, uploaded_at=utcnow())
        db.add(doc)
        db.flush()
        audit(db, who, "case.document_add", case.ticket_id, case_id=case.id, document_id=doc.id, kind=kind)
        case = then(db, case, (ready, doc))
        return {"document": document_out(doc), "case": view(db, case)}, 201


def sign(database, root: Path, who: Caller, case_id: int, form: str, content_type: str, data: bytes,
         key: str | None, view: CaseView) -> tuple[dict, int]:
    """The person signed ``form``: ``data`` is the signed page as the camera took it."""
    def then(db: Session, case: Case, made):
        if made is None:
            return _signed_step(db, case, form)
        step, doc = made
        db.add(CaseSignature(case_id=case.id, step_id=step.id, form=form, document_id=doc.id, signed_at=utcnow(),
                             helper_id=who.helper.id))
        audit(db, who, "case.sign", case.ticket_id, case_id=case.id, form=form, step_id=step.id)
        cases.changed(db, case, "signature", form=form)
        return case

    return _keep(database, root, who, case_id, form, content_type, data, key, then, view)


def deliver_result(database, root: Path, who: Caller, case_id: int, content_type: str, data: bytes,
                   key: str | None, view: CaseView) -> tuple[dict, int]:
    """Electronic delivery: the result document, for the applicant to download once with the case's code."""
    def then(db: Session, case: Case, made):
        if made is None:
            if case.state != "completed":
                raise ApiError(409, "illegal_case_step",
                               f"代办件当前为“{case_states.STATE_NAMES[case.state]}”，不能交付结果")
            return None
        return case_delivery.deliver(db, who, case.id, "electronic", document=made[1])

    return _keep(database, root, who, case_id, "result", content_type, data, key, then, view)


def case_pages(db: Session, who: Caller, case_id: int) -> list[dict]:
    require(who, "staff")
    case = cases.readable_case(db, who.hall_id, case_id)
    docs = db.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id).order_by(CaseDocument.id))
    return [document_out(d) for d in docs]


def read(db: Session, who: Caller, document_id: int) -> CaseDocument:
    """A page its reader may see, the read written to the audit log (``db`` is a write session)."""
    require(who, "staff")
    doc = db.get(CaseDocument, document_id)
    if doc is None:
        raise not_found("材料")
    case = cases.readable_case(db, who.hall_id, doc.case_id)
    audit(db, who, "case.document_read", case.ticket_id, case_id=case.id, document_id=doc.id, kind=doc.kind)
    return doc
