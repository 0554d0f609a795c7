"""The centre's side of a hall server's link: its records up, the centre's changes down."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError

from kiosk.server.auth import Caller, require
from kiosk.server.deps import ServerState, caller, server
from kiosk.server.errors import ApiError, answers
from kiosk.server.models import SyncPeer
from kiosk.server.sync import apply, journal, status
from kiosk.server.timeutil import utcnow
from kiosk.wire.sync import HallLink, SyncDown, SyncUp, SyncUpAnswer

router = APIRouter(prefix="/api/v1/sync", tags=["hall servers"])
DOWN_BATCH = 2000
DOWN_BATCH_BYTES = 8 * 1024 * 1024


def _hall_server(who: Caller, bb: ServerState) -> None:
    require(who, "hall_server")
    if bb.settings.is_hall_server:
        raise ApiError(409, "not_the_centre", "本机是厅内服务器，不是中心服务器")


def _refuse_if_taken(db, node: int, hall_id: int) -> SyncPeer | None:
    """Node numbers name one hall server each: a second hall claiming one is refused."""
    peer = db.get(SyncPeer, node)
    other = db.scalar(select(SyncPeer.peer).where(SyncPeer.hall_id == hall_id, SyncPeer.peer != node, SyncPeer.peer > 0))
    if (peer is not None and peer.hall_id != hall_id) or other is not None:
        raise ApiError(409, "node_taken", f"厅内服务器编号 {node} 已由另一个大厅使用，或本厅已有另一个编号")
    return peer


def _claim(db, node: int, hall_id: int) -> SyncPeer:
    """The hall server's first contact makes it its hall's authority (the centre then refuses the
    hall's terminals): a batch that is refused does not."""
    peer = _refuse_if_taken(db, node, hall_id)
    if peer is None:
        peer = SyncPeer(peer=node, hall_id=hall_id, applied_seq=0, acked_seq=0, backlog_records=0, error="")
        db.add(peer)
        db.flush()
    return peer


@router.post("/up", response_model=SyncUpAnswer, responses=answers(400, 401, 403, 409, 413, 422, 503))
def records_up(req: SyncUp, who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """A hall server's records, in its order; a batch sent again is written once."""
    _hall_server(who, bb)
    with bb.db.read() as db:
        _refuse_if_taken(db, req.node, who.hall_id)
    try:
        done = apply.apply(bb.db, req.node, [e.model_dump(exclude_none=True) for e in req.entries],
                           files=bb.settings.data_dir, peer_hall=who.hall_id)
    except OperationalError:
        raise  # the database away: 503, and the hall server tries again
    except (IntegrityError, DataError, StatementError, ValueError, KeyError, TypeError) as problem:
        # a batch that does not fit this schema (a hall server of another version, a damaged
        # body): nothing of it is written, and the hall server keeps it and says why
        raise ApiError(422, "batch_refused", f"厅内服务器的记录无法写入中心：{type(problem).__name__}，"
                                             "请确认两台服务器的版本一致") from None
    with bb.db.write() as db:
        peer = db.get(SyncPeer, req.node)
        peer.backlog_records = req.backlog_records
        # an age, not the hall's time: the two clocks may differ by minutes
        peer.backlog_since = utcnow() - timedelta(seconds=req.backlog_s) if req.backlog_records else None
        peer.error = ""
    return SyncUpAnswer(applied_seq=done.last_seq)


@router.get("/down", response_model=SyncDown, responses=answers(401, 403, 409, 422, 503))
def changes_down(node: Annotated[int, Query(ge=1, le=127)], after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                 who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """The catalogue and referrals for the caller's hall, past ``after`` (which it confirms)."""
    _hall_server(who, bb)
    with bb.db.write() as db:
        peer = _claim(db, node, who.hall_id)
        peer.acked_seq, peer.contact_at = max(peer.acked_seq, after), utcnow()
    journal.move(bb.db)
    with bb.db.read() as db:
        entries = journal.read(db, after, limit=DOWN_BATCH, max_bytes=DOWN_BATCH_BYTES, files=bb.settings.data_dir,
                               for_hall=who.hall_id)
        last = journal.last_seq(db)
    return SyncDown(entries=entries, last_seq=last)


@router.get("/links", response_model=list[HallLink], responses=answers(401, 403, 503))
def hall_links(who: Caller = Depends(caller), bb: ServerState = Depends(server)):
    """Every hall server's link: up or down, what it still holds, when it was last heard."""
    if not who.is_supervisor:
        raise ApiError(403, "forbidden", "只有督查人员或管理设备可以查看各厅的连接")
    with bb.db.read() as db:
        return status.links(db, bb.settings)
