"""A case's pages: each signed form captured by the camera (委托书, 中止单, 续办委托书, 办结/终止单),
and the electronic result. Stored as the tickets' captured pages are; only the staff of the case's
halls read them, and every read is audited."""
from __future__ import annotations

import hashlib
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import case_states
from kiosk.server import case_delivery, cases
from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers, not_found
from kiosk.server.models import Case, CaseDocument, CaseSignature, CaseStep
from kiosk.server.routes.cases import case_view
from kiosk.server.routes.documents import EXTENSIONS, SIGNATURES, _check_body, _write_file
from kiosk.server.audit_trail import audit
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire.records import CaseDocument as CaseDocumentOut, SignedCase

router = APIRouter(prefix="/api/v1", tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=2**62)]
UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    t: {"schema": {"type": "string", "format": "binary"}} for t in SIGNATURES}}}


def document_out(d: CaseDocument) -> dict:
    return {"id": d.id, "case_id": d.case_id, "kind": d.kind, "content_type": d.content_type, "size": d.size,
            "sha256": d.sha256, "uploaded_at": iso(d.uploaded_at)}


async def _upload(request: Request) -> tuple[str, bytes]:
    data = await request.body()  # its size is bounded by kiosk.server.body_limits, before any of it is read
    return _check_body(request.headers.get("content-type", ""), data), data


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


def _keep(bb: ServerState, who: Caller, case_id: int, kind: str, content_type: str, data: bytes,
          key: str | None, then) -> tuple[dict, int]:
    """Store the page and record it with ``then(db, case, document)`` in one transaction; a
    repeated Idempotency-Key answers what the first upload made."""
    root, written = bb.settings.data_dir, None
    if who.helper is None:
        raise ApiError(403, "forbidden", "签字页和办理结果须由帮办代办员上传")
    try:
        with bb.db.write() as db:
            case = cases.case_for_update(db, who, case_id)
            if key:
                existing = db.scalar(select(CaseDocument).where(CaseDocument.case_id == case.id,
                                                                CaseDocument.idempotency_key == key))
                if existing is not None:
                    return {"document": document_out(existing), "case": case_view(db, bb, who, case)}, 200
            ready = then(db, case, None)  # refuses before anything is written
            written = f"case-documents/{case.hall_id}/{case.id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
            _write_file(root, written, data)
            doc = CaseDocument(case_id=case.id, kind=kind, content_type=content_type, size=len(data),
                               sha256=hashlib.sha256(data).hexdigest(), path=written, idempotency_key=key,
                               device_id=who.device.id, helper_id=who.helper.id, uploaded_at=utcnow())
            db.add(doc)
            db.flush()
            audit(db, who, "case.document_add", case.ticket_id, case_id=case.id, document_id=doc.id, kind=kind)
            case = then(db, case, (ready, doc))
            out = {"document": document_out(doc), "case": case_view(db, bb, who, case)}
    except BaseException:
        if written:  # the record did not commit: leave no orphan file behind
            (root / written).unlink(missing_ok=True)
        raise
    return out, 201


UPLOADED = {"response_model": SignedCase, "openapi_extra": UPLOAD_BODY,
            "responses": {200: {"model": SignedCase, "description": "已登记过（同一 Idempotency-Key）"},
                          **answers(401, 403, 404, 409, 413, 415, 422, 503)}}


@router.post("/cases/{case_id}/signatures/{form}", status_code=201, **UPLOADED)
async def sign(case_id: CaseId, form: Annotated[str, Path(pattern="^(entrustment|suspension|resumption|closing)$")],
               request: Request,
               idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=100),
               who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The person signed ``form``: the body is the signed page as the camera took it."""
    content_type, data = await _upload(request)

    def then(db: Session, case: Case, made):
        if made is None:
            return _signed_step(db, case, form)
        step, doc = made
        db.add(CaseSignature(case_id=case.id, step_id=step.id, form=form, document_id=doc.id, signed_at=utcnow(),
                             helper_id=who.helper.id))
        audit(db, who, "case.sign", case.ticket_id, case_id=case.id, form=form, step_id=step.id)
        cases.changed(db, case, "signature", form=form)
        return case

    out, status = await run_in_threadpool(_keep, bb, who, case_id, form, content_type, data, idempotency_key, then)
    return JSONResponse(out, status_code=status)


@router.post("/cases/{case_id}/delivery/result", status_code=201, **UPLOADED)
async def upload_result(case_id: CaseId, request: Request,
                        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=100),
                        who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Electronic delivery: the result document, for the applicant to download once with the case's code."""
    content_type, data = await _upload(request)

    def then(db: Session, case: Case, made):
        if made is None:
            if case.state != "completed":
                raise ApiError(409, "illegal_case_step",
                               f"代办件当前为“{case_states.STATE_NAMES[case.state]}”，不能交付结果")
            return None
        return case_delivery.deliver(db, who, case.id, "electronic", document=made[1])

    out, status = await run_in_threadpool(_keep, bb, who, case_id, "result", content_type, data, idempotency_key, then)
    return JSONResponse(out, status_code=status)


@router.get("/cases/{case_id}/documents", response_model=list[CaseDocumentOut],
            responses=answers(401, 403, 404, 422, 503))
def list_case_documents(case_id: CaseId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.read() as db:
        case = cases.readable_case(db, who.hall_id, case_id)
        docs = db.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id).order_by(CaseDocument.id))
        return [document_out(d) for d in docs]


@router.get("/case-documents/{document_id}", response_class=FileResponse,
            responses={200: {"content": {t: {} for t in SIGNATURES}}, **answers(401, 403, 404, 410, 422, 503)})
def read_case_document(document_id: Annotated[int, Path(ge=1, le=2**62)], who: Caller = Depends(caller),
                       bb: ServerState = Depends(server)):
    require(who, "staff")
    with bb.db.write() as db:  # a write: the read itself is recorded
        doc = db.get(CaseDocument, document_id)
        if doc is None:
            raise not_found("材料")
        case = cases.readable_case(db, who.hall_id, doc.case_id)
        audit(db, who, "case.document_read", case.ticket_id, case_id=case.id, document_id=doc.id, kind=doc.kind)
        path, kind = bb.settings.data_dir / doc.path, doc.content_type
    if not path.exists():
        raise ApiError(410, "document_missing", "材料文件已不在服务器上，请联系管理员")
    return FileResponse(path, media_type=kind, headers={"Cache-Control": "no-store"})
