"""Each hall server's link, as the centre sees it (doctor, /metrics, the supervisor overview)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from kiosk.server.models import Hall, SyncPeer
from kiosk.server.sync import journal
from kiosk.server.timeutil import iso, utcnow
from kiosk.wire.sync import HallLink

# A hall server asks the centre for changes at least this often while its link works (link.py).
HEARD_WITHIN = timedelta(seconds=10)


def _heard(contact: datetime | None, now: datetime, down_minutes: int) -> tuple[bool, bool, timedelta | None]:
    """Up (heard within ``HEARD_WITHIN``), flagged (not heard for ``down_minutes``, or never), and
    the silence since the last contact."""
    silent = now - contact if contact else None
    up = silent is not None and silent <= HEARD_WITHIN
    return up, not up and (silent is None or silent > timedelta(minutes=down_minutes)), silent


def hall_links(db, down_minutes: int, now: datetime | None = None) -> list[HallLink]:
    now = now or utcnow()
    found = []
    for peer, hall in db.execute(select(SyncPeer, Hall).join(Hall, Hall.id == SyncPeer.hall_id)
                                 .where(SyncPeer.peer > 0).order_by(Hall.id)):
        up, flagged, silent = _heard(peer.contact_at, now, down_minutes)
        behind = now - peer.backlog_since if peer.backlog_since and peer.backlog_records else timedelta(0)
        if not up and peer.contact_at is not None:
            behind = max(behind, silent)  # what it made since is not here, however little it said
        found.append(HallLink(
            hall=hall.code, hall_name=hall.name, node=peer.peer, state="up" if up else "down", flagged=flagged,
            backlog_records=peer.backlog_records, backlog_s=round(behind.total_seconds(), 1),
            last_contact_at=iso(peer.contact_at), last_record_at=iso(peer.record_at), error=peer.error))
    return found


def own_link(db, hall_code: str, down_minutes: int, now: datetime | None = None) -> HallLink:
    """A hall server's link, as it sees it: what its journal still holds is known exactly."""
    now = now or utcnow()
    peer = db.get(SyncPeer, 0)
    hall = db.scalar(select(Hall).where(Hall.code == hall_code))
    left = journal.backlog(db, peer.acked_seq if peer else 0)
    contact = peer.contact_at if peer else None
    up, flagged, _silent = _heard(contact, now, down_minutes)
    return HallLink(
        hall=hall_code, hall_name=hall.name if hall else hall_code, node=0, state="up" if up else "down",
        flagged=flagged,
        backlog_records=left.records, backlog_s=round((now - left.since).total_seconds(), 1) if left.since else 0.0,
        last_contact_at=iso(contact), last_record_at=iso(peer.record_at if peer else None),
        error=peer.error if peer else "")


def links(db, settings) -> list[HallLink]:
    """The links this server has: every hall server's at the centre, its own at a hall server."""
    if settings.is_hall_server:
        return [own_link(db, settings.hall_code, settings.hall_link_down_minutes)]
    return hall_links(db, settings.hall_link_down_minutes)


def metrics_text(found: list[HallLink]) -> str:
    """The links as Prometheus gauges, one series per hall."""
    gauges = {
        "bangban_hall_link_up": ("1 while the hall server and the centre exchange batches", lambda k: k.state == "up"),
        "bangban_hall_link_flagged": ("1 when down for longer than hall_link_down_minutes", lambda k: k.flagged),
        "bangban_hall_link_backlog_records": ("records made at the hall not yet at the centre",
                                              lambda k: k.backlog_records),
        "bangban_hall_link_backlog_seconds": ("age of the oldest record not yet at the centre", lambda k: k.backlog_s),
    }
    lines = []
    for name, (meaning, value) in gauges.items():
        lines += [f"# HELP {name} {meaning}", f"# TYPE {name} gauge"]
        lines += [f'{name}{{hall="{k.hall}"}} {float(value(k))}' for k in found]
    return "\n".join(lines) + "\n" if found else ""


def hall_served_elsewhere(db, hall_id: int) -> bool:
    """A hall with its own server: the centre takes none of its terminals' requests."""
    return db.scalar(select(SyncPeer.peer).where(SyncPeer.hall_id == hall_id, SyncPeer.peer > 0)) is not None
