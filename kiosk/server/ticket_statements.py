"""The statements of the hot paths (issue, call, serve, rate), built once.

Building a statement costs SQLAlchemy about 300 µs here and running a prebuilt one about
60 µs, while SQLite answers these queries in under 20 µs: on a busy hall's server, building
them per request was most of the work. Values are bound by name at execution; an UPDATE
without ``values()`` sets the columns its parameters name, so the names of the other values
in an INSERT or UPDATE are never a column's.
"""
from __future__ import annotations

from sqlalchemy import and_, bindparam as p, case, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.server.models import (
    FollowUp, HelperSession, Matter, Queue, Rating, Service, Ticket, TicketCounter, Window, WindowQueue,
)

T, S, R = Ticket.__table__.c, Service.__table__.c, Rating.__table__.c
HELD = ("called", "serving")


def _ahead_of(tier, rank_at, ticket_id):
    """Tickets of a line called before the one with this key (the policy's order)."""
    return or_(T.tier < tier,
               and_(T.tier == tier, T.rank_at < rank_at),
               and_(T.tier == tier, T.rank_at == rank_at, T.id < ticket_id))


def _in_line(queue, day):
    # no hall_id: a queue belongs to one hall, and without it a count reads ix_tickets_queue_line alone
    return and_(T.queue_id == queue, T.status == "waiting", T.day == day)


# --- reading tickets ---------------------------------------------------------
TICKET = select(Ticket.__table__).where(T.id == p("ticket_id"))
TICKET_FOR_UPDATE = TICKET.with_for_update()
REPLAY = select(Ticket.__table__).where(T.device_id == p("device_id"), T.idempotency_key == p("key"))
LINE_LENGTH = select(func.count()).where(_in_line(p("queue_id"), p("day")))
AHEAD = select(func.count()).where(_in_line(p("queue_id"), p("day")),
                                   _ahead_of(p("tier"), p("rank_at"), p("ticket_id")))
# a new ticket's line: its length (the ticket included) and how many are ahead, in one pass
LINE_AND_AHEAD = select(func.count(), func.count(case((_ahead_of(p("tier"), p("rank_at"), p("ticket_id")), 1)))
                        ).where(_in_line(p("queue_id"), p("day")))
# hall_id and status lead ix_tickets_waiting, so this reads the hall's held tickets, not its history
HELD_AT_WINDOW = (select(T.id, T.number)
                  .where(T.hall_id == p("hall_id"), T.status.in_(HELD), T.window_id == p("window_id"))
                  .limit(1))

# the basis of a waiting-time estimate: a queue's latest services and its staffed windows
RECENT_SERVICES = (select(S.called_at, S.finished_at)
                   .where(S.queue_id == p("queue_id"), S.finished_at.is_not(None))
                   .order_by(S.finished_at.desc()).limit(p("limit")))
_HS, _WQ = HelperSession.__table__.c, WindowQueue.__table__.c
# from the queue's few windows to their sessions, not from every sign-in there ever was
OPEN_WINDOWS = (select(func.count()).select_from(WindowQueue.__table__)
                .where(_WQ.queue_id == p("queue_id"),
                       select(_HS.id).where(_HS.window_id == _WQ.window_id, _HS.ended_at.is_(None)).exists()))

# --- issuing -----------------------------------------------------------------
_M, _Q = Matter.__table__.c, Queue.__table__.c
# a matter with its queue's hall and prefix, in one statement
MATTER = (select(_M.hall_id, _M.queue_id, _M.name, _M.proxy_allowed, _M.retired_at, _Q.hall_id.label("queue_hall_id"),
                 _Q.prefix, _Q.retired_at.label("queue_retired_at"))
          .join(Queue.__table__, _Q.id == _M.queue_id).where(_M.id == p("matter_id")))
QUEUE = select(_Q.hall_id, _Q.prefix, _Q.retired_at).where(_Q.id == p("queue_id"))
INSERT_TICKET = insert(Ticket.__table__).returning(T.id)


def _next_seq(dialect):
    stmt = dialect.insert(TicketCounter).values(hall_id=p("hall"), queue_id=p("queue"), day=p("today"),
                                                last_seq=1)
    return stmt.on_conflict_do_update(index_elements=["hall_id", "queue_id", "day"],
                                      set_={"last_seq": TicketCounter.last_seq + 1}
                                      ).returning(TicketCounter.last_seq)


NEXT_SEQ = {"sqlite": _next_seq(sqlite), "postgresql": _next_seq(postgresql)}

# --- at the window -----------------------------------------------------------
_WINDOW_QUEUES = select(_WQ.queue_id).where(_WQ.window_id == p("window")).scalar_subquery()
# The head of the window's line, taken in the same statement that calls it. On PostgreSQL the
# subquery locks the row and skips rows other windows hold; SQLite has one writer at a time.
# A key ranked in the future is a booked ticket held until its slot's lead (queue_policy.held).
_HEAD = (select(T.id)
         .where(T.hall_id == p("hall"), T.status == "waiting", T.day == p("today"), T.rank_at <= p("now"),
                or_(T.target_window_id == p("window"),
                    and_(T.target_window_id.is_(None), T.queue_id.in_(_WINDOW_QUEUES))))
         .order_by(T.tier, T.rank_at, T.id).limit(1)
         .with_for_update(skip_locked=True).scalar_subquery())
CALL_HEAD = (update(Ticket.__table__).where(T.id == _HEAD)
             .values(status="called", window_id=p("window"), helper_id=p("helper"),
                     called_at=p("now"), target_window_id=None)
             .returning(*Ticket.__table__.c))
# no RETURNING: the row it leaves is the row read plus the values set
UPDATE_TICKET = update(Ticket.__table__).where(T.id == p("ticket_id"))
INSERT_SERVICE = insert(Service.__table__)
OPEN_SERVICE = (select(Service.__table__).where(S.ticket_id == p("ticket_id"), S.ended_at.is_(None))
                .order_by(S.id.desc()).limit(1))
UPDATE_SERVICE = update(Service.__table__).where(S.id == p("service_id"))
WINDOW_NUMBER = select(Window.__table__.c.number).where(Window.__table__.c.id == p("window_id"))

# --- rating ------------------------------------------------------------------
WINDOW_ID = select(Window.__table__.c.id).where(Window.__table__.c.hall_id == p("hall_id"),
                                                Window.__table__.c.number == p("number"))
REPEATED_PRESS = select(Rating.__table__).where(R.window_id == p("window_id"), R.pad_seq == p("pad_seq"))
_TO_RATE = (select(S.id, S.ticket_id, S.helper_id, S.called_at, T.number, R.id.label("rating_id"))
            .join(Ticket.__table__, T.id == S.ticket_id)
            .outerjoin(Rating.__table__, R.service_id == S.id)
            .where(S.window_id == p("window_id"), S.finished_at.is_not(None),
                   S.finished_at >= p("since"), S.finished_at <= p("until"))
            .order_by(S.finished_at.desc(), S.id.desc()).limit(1))
# the service a press rates, with its ticket's number and the rating it already has, if any
SERVICE_TO_RATE = _TO_RATE
NAMED_SERVICE_TO_RATE = _TO_RATE.where(S.id == p("service_id"))
INSERT_RATING = insert(Rating.__table__).returning(R.id)
INSERT_FOLLOW_UP = insert(FollowUp.__table__).returning(FollowUp.__table__.c.id)
