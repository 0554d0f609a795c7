"""What a referred citizen is told: to which hall, and whether the referral has got there.

At a hall server a referral is on its way while its record waits in the outbox or the journal
for the centre. At the centre it is on its way while the receiving hall's own server (if it
has one) has not yet confirmed the entries meant for it."""
from __future__ import annotations

from sqlalchemy import select

from kiosk.server.models import Hall, Referral, SyncJournal, SyncOutbox, SyncPeer


def _waiting(db, referral: Referral) -> bool:
    pending = [*db.scalars(select(SyncOutbox.row).where(SyncOutbox.tbl == "referrals"))]
    peer = db.scalar(select(SyncPeer).where(SyncPeer.hall_id == referral.to_hall_id, SyncPeer.peer > 0))
    at_hall_server = db.get(SyncPeer, 0) is not None
    if at_hall_server:
        pending += db.scalars(select(SyncJournal.row).where(SyncJournal.tbl == "referrals"))
    elif peer is not None:
        pending += db.scalars(select(SyncJournal.row).where(SyncJournal.tbl == "referrals",
                                                            SyncJournal.for_hall == referral.to_hall_id,
                                                            SyncJournal.seq > peer.acked_seq))
    else:
        return False  # the centre serves that hall itself: its staff see the referral now
    return any(row.get("id") == referral.id for row in pending)


def referral_word(db, ticket_id: int) -> str | None:
    referral = db.scalar(select(Referral).where(Referral.ticket_id == ticket_id).order_by(Referral.id.desc()).limit(1))
    if referral is None:
        return None
    hall = db.get(Hall, referral.to_hall_id).name
    return f"已转办至{hall}，" + ("转办信息正在送达" if _waiting(db, referral) else "转办信息已送达")
