"""Tickets: issue at the kiosk, call and serve at the window, look up in public."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from sqlalchemy.exc import IntegrityError

from kiosk.server import pg_fast_paths as fast, ticket_lookup, tickets as ops
from kiosk.server.auth import Caller, require
from kiosk.server.deps import IdemKey, ServerState, caller, request_key, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.schemas import FinishRequest, TicketRequest, TransferRequest, answer
from kiosk.wire import answers as wire

router = APIRouter(prefix="/api/v1", tags=["tickets"])
TicketId = Annotated[int, Path(ge=1, le=2**62)]
WindowNo = Annotated[int, Path(ge=1, le=9999)]


@router.post("/tickets", status_code=201, response_model=wire.IssuedTicket,
             responses={200: {"model": wire.IssuedTicket, "description": "同一 Idempotency-Key 的重试：第一次取到的号"},
                        **answers(400, 401, 403, 404, 409, 413, 422, 429, 503)})
async def issue_ticket(req: TicketRequest, idempotency_key: str | None = IdemKey,
                       who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    require(who, "kiosk")
    if (wait_s := bb.issuing.take(who.device.id)) is not None:
        raise ApiError(429, "issuing_too_fast", "本机取号过于频繁，请稍后再试。",
                       headers={"Retry-After": str(int(wait_s) + 1)})
    key = request_key(idempotency_key)

    for attempt in range(2):
        try:
            done = await fast.issue(bb.db, who, req, key, bb.policy) if bb.db.is_postgres else None
            out, replayed = done or await bb.db.run(lambda tx: ops.issue(tx, who, req, key, bb.policy))
            break
        except IntegrityError:  # the same key raced in from a retry: answer with its ticket
            if attempt or not key:
                raise ApiError(409, "conflict", "取号冲突，请重试")
    out = wire.IssuedTicket.model_construct(**dict(out), status_url=f"{bb.settings.public_url}/t/{out.public_token}")
    if replayed:
        return answer(out, 200)
    bb.metrics.tickets_issued.labels(str(who.hall_id), req.service_type).inc()
    return answer(out, 201)


@router.get("/tickets/{ticket_id}", response_model=wire.TicketRecord, responses=answers(401, 403, 404, 422, 503))
def get_ticket(ticket_id: TicketId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        return answer(ticket_lookup.ticket_record(db, who, ticket_id))


@router.get("/public/tickets/{public_token}", response_model=wire.PublicTicket, responses=answers(404, 422, 503))
def public_ticket(public_token: Annotated[str, Path(max_length=40)], bb: ServerState = Depends(server)):
    with bb.db.read() as db:
        return answer(ticket_lookup.public_ticket(db, public_token))


@router.post("/windows/{window}/call-next", response_model=wire.Ticket,
             responses={204: {"description": "无人等候"}, **answers(401, 403, 409, 422, 503)})
async def call_next(window: WindowNo, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    def work(tx):
        ticket = ops.call_next(tx, who, window)
        return ticket, ticket and ops.ticket_out(tx, ticket, staff=True)

    if bb.db.is_postgres:
        ticket = await fast.call_next(bb.db, who, window)
        out = ticket and ops.ticket_out(None, ticket, staff=True, window=window)
    else:
        ticket, out = await bb.db.run(work)
    if ticket is None:
        return Response(status_code=204)
    bb.metrics.calls.labels(str(who.hall_id), str(window)).inc()
    bb.metrics.waiting.labels(str(who.hall_id)).observe(
        (ticket.called_at - ticket.issued_at).total_seconds())
    return answer(out)


async def _served(bb: ServerState, change) -> Response:
    """A change to a held ticket, answered with the ticket as the change left it."""
    return answer(await bb.db.run(lambda tx: ops.ticket_out(tx, change(tx), staff=True)))


HELD = {"response_model": wire.Ticket, "responses": answers(401, 403, 404, 409, 422, 503)}


def _act(action: str):
    async def handler(ticket_id: TicketId, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
        return await _served(bb, lambda tx: ops.act(tx, who, ticket_id, action))
    handler.__name__ = f"{action}_ticket"
    return handler


router.post("/tickets/{ticket_id}/recall", **HELD)(_act("recall"))
router.post("/tickets/{ticket_id}/no-show", **HELD)(_act("no_show"))
router.post("/tickets/{ticket_id}/start", **HELD)(_act("start"))


@router.post("/tickets/{ticket_id}/transfer", response_model=wire.Ticket,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
async def transfer_ticket(ticket_id: TicketId, req: TransferRequest, who: Caller = Depends(caller),
                          bb: ServerState = Depends(server)):
    return await _served(bb, lambda tx: ops.transfer(tx, who, ticket_id, req, bb.policy))


@router.post("/tickets/{ticket_id}/finish", response_model=wire.Ticket,
             responses=answers(400, 401, 403, 404, 409, 413, 422, 503))
async def finish_ticket(ticket_id: TicketId, req: FinishRequest, who: Caller = Depends(caller),
                        bb: ServerState = Depends(server)):
    if bb.db.is_postgres and (ticket := await fast.finish(bb.db, who, ticket_id, req)) is not None:
        return answer(ops.ticket_out(None, ticket, staff=True, window=who.window.number))
    return await _served(bb, lambda tx: ops.finish(tx, who, ticket_id, req))
