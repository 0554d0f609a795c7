"""The hall's records. Every row belongs to a hall; times are stored in UTC."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text,
    FetchedValue, UniqueConstraint, Index, true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class Base(DeclarativeBase):
    pass


class Hall(Base):
    __tablename__ = "halls"
    __mapper_args__ = {"eager_defaults": False}  # see ``hours``
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))  # city county township village
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"))
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    # opening hours by ISO weekday ("1": Monday): ["08:30", "17:30"]; a day left out is closed.
    # Deferred, with the database's default only, like the register's columns of Helper below:
    # code written for an older schema (seed_demo at revision 0001, in a migration test) neither
    # reads nor writes them.
    hours: Mapped[dict] = mapped_column(JSON, server_default="{}", deferred=True)


class HallClosure(Base):
    """A day the hall does not open (a holiday of its own, a move), besides its weekly hours."""
    __tablename__ = "hall_closures"
    __table_args__ = (UniqueConstraint("hall_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(100))


class Area(Base):
    __tablename__ = "areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # special division self_service online


class Queue(Base):
    __tablename__ = "queues"
    __mapper_args__ = {"eager_defaults": False}  # see Hall.hours
    __table_args__ = (UniqueConstraint("hall_id", "prefix"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    prefix: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(60))
    service_type: Mapped[str] = mapped_column(String(10))  # help proxy consult
    # 停用: kept for the ledger, not offered. Left out of inserts that do not set it (see Hall.hours)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime, server_default=FetchedValue())


class Matter(Base):
    __tablename__ = "matters"
    __mapper_args__ = {"eager_defaults": False}  # see Hall.hours
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))  # investment business livelihood
    department: Mapped[str] = mapped_column(String(60))
    time_limit_days: Mapped[int] = mapped_column(Integer)
    steps: Mapped[list] = mapped_column(JSON, default=list)
    materials: Mapped[list] = mapped_column(JSON, default=list)
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    proxy_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    high_frequency: Mapped[bool] = mapped_column(Boolean, default=False)
    search_key: Mapped[str] = mapped_column(String(400), default="")  # pinyin initials
    # the name in traditional Mongolian, for halls that serve in both languages (see Hall.hours)
    name_mn: Mapped[str | None] = mapped_column(String(200), server_default=FetchedValue())
    # 停用: kept for the ledger, not offered. Left out of inserts that do not set it (see Hall.hours)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime, server_default=FetchedValue())


class Window(Base):
    __tablename__ = "windows"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    queues: Mapped[list[Queue]] = relationship(secondary="window_queues", lazy="selectin")


class WindowQueue(Base):
    __tablename__ = "window_queues"
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), primary_key=True)


class Helper(Base):
    __tablename__ = "helpers"
    __mapper_args__ = {"eager_defaults": False}  # see Hall.hours
    __table_args__ = (UniqueConstraint("hall_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(20))  # helper proxy_agent coordinator chief liaison
    pin_hash: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    skills: Mapped[list] = mapped_column(JSON, default=list)
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # the register (seed 001: 姓名、职务、帮办业务领域…登记在册); a helper who left is deactivated
    post: Mapped[str] = mapped_column(String(60), server_default="")
    unit: Mapped[str] = mapped_column(String(100), server_default="")
    started_on: Mapped[date | None] = mapped_column(Date, server_default=FetchedValue())
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # kiosk display pad window admin
    name: Mapped[str] = mapped_column(String(60))
    window_number: Mapped[int | None] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class HelperSession(Base):
    __tablename__ = "helper_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the terminal's last poll of its line, kept in the database so that every server process
    # (--workers N) judges a silent terminal alike
    heard_at: Mapped[datetime | None] = mapped_column(DateTime)


class WebSession(Base):
    """A supervisor signed in to the web pages; the browser holds the token in a cookie."""
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    address: Mapped[str] = mapped_column(String(64), default="")


class TicketCounter(Base):
    __tablename__ = "ticket_counters"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("hall_id", "day", "number"),
        UniqueConstraint("device_id", "idempotency_key"),
        Index("ix_tickets_waiting", "hall_id", "status", "tier", "rank_at"),
        Index("ix_tickets_queue_line", "queue_id", "status", "day", "tier", "rank_at"),  # people ahead
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    service_type: Mapped[str] = mapped_column(String(10))
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(10))
    public_token: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(12))  # waiting called serving finished no_show
    priority_group: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))
    tier: Mapped[int] = mapped_column(Integer)
    rank_at: Mapped[datetime] = mapped_column(DateTime)
    target_window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    called_at: Mapped[datetime | None] = mapped_column(DateTime)
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(20))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class Service(Base):
    """One helper serving one ticket at one window; a transfer starts another."""
    __tablename__ = "services"
    __table_args__ = (Index("ix_services_window_finished", "window_id", "finished_at"),
                      Index("ix_services_queue_finished", "queue_id", "finished_at"))  # recent services
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))
    called_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)  # set only by finish
    end_reason: Mapped[str | None] = mapped_column(String(20))  # finished transferred no_show
    outcome: Mapped[str | None] = mapped_column(String(20))
    log: Mapped[str] = mapped_column(Text, default="")


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("window_id", "pad_seq"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), unique=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    score: Mapped[int] = mapped_column(Integer)
    pad_seq: Mapped[int] = mapped_column(BigInteger)
    rated_at: Mapped[datetime] = mapped_column(DateTime)


class FollowUp(Base):
    """回访整改: opened by a bad rating, closed by a supervisor."""
    __tablename__ = "follow_ups"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id"), unique=True)  # or case_rating_id
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    case_rating_id: Mapped[int | None] = mapped_column(ForeignKey("case_ratings.id"), unique=True)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[dict] = mapped_column(JSON)


class EventOutbox(Base):
    """On PostgreSQL, events as their transactions commit them, before the hub's sequencer
    moves them into ``events`` and so gives them their ids in commit order."""
    __tablename__ = "event_outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[dict] = mapped_column(JSON)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(40))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class DeviceHealth(Base):
    __tablename__ = "device_health"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    component: Mapped[str] = mapped_column(String(20), primary_key=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    message: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime)


class StoredFile:
    """An uploaded file: the bytes live in the data directory, the row says what and whose they are."""
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(300))  # relative to the data directory
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)


class Document(StoredFile, Base):
    """A captured page (预审材料). Reads are audited."""
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("ticket_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    page: Mapped[int] = mapped_column(Integer)


class Case(Base):
    """A proxy case (代办件): outlives the visit, from the entrustment to the archive."""
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(30))  # 受理单编号, given at acceptance
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))  # the helper in charge
    applicant: Mapped[str] = mapped_column(String(100))
    applicant_kind: Mapped[str] = mapped_column(String(12))  # person organisation
    id_number: Mapped[str] = mapped_column(String(18))  # resident ID or unified social credit code
    phone: Mapped[str] = mapped_column(String(20))
    delivery: Mapped[str] = mapped_column(String(12))  # electronic pickup ems
    state: Mapped[str] = mapped_column(String(12), index=True)
    entrusted_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deadline: Mapped[date | None] = mapped_column(Date)
    resume_by: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(30))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the applicant follows the case at /c/{public_token}; the code (printed on the 受理单, never
    # in the QR code) proves it is them when they rate or download
    public_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    public_code: Mapped[str | None] = mapped_column(String(8))
    code_failures: Mapped[int] = mapped_column(Integer, default=0)
    handling_hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"), index=True)  # after a referral


class CaseStep(Base):
    __tablename__ = "case_steps"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(12))
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")


class CaseItem(Base):
    """One line of the 移交清单: a document received from or returned to the person."""
    __tablename__ = "case_items"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[str] = mapped_column(String(10))  # received returned
    name: Mapped[str] = mapped_column(String(200))
    copies: Mapped[int] = mapped_column(Integer)
    original: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))


class CaseDocument(StoredFile, Base):
    """A page kept with a case: a signed form captured by the camera, or the electronic result.
    Reads are audited, as the tickets' pages' are."""
    __tablename__ = "case_documents"
    __table_args__ = (UniqueConstraint("case_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # a form of case_states.SIGNED_FORMS, or result


class CaseSignature(Base):
    """The person signed one form, the one of the step it belongs to; its page is kept."""
    __tablename__ = "case_signatures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("case_steps.id"), unique=True)
    form: Mapped[str] = mapped_column(String(12))
    document_id: Mapped[int] = mapped_column(ForeignKey("case_documents.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))


class CaseProblem(Base):
    """A problem met on a case and how it is being handled (问题记录)."""
    __tablename__ = "case_problems"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))  # case_states.PROBLEM_STATUSES
    handling: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class CaseProblemUpdate(Base):
    __tablename__ = "case_problem_updates"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("case_problems.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12))
    handling: Mapped[str] = mapped_column(Text, default="")
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))


class CaseDelivery(Base):
    """How a completed case's result reached the person (结果交付)."""
    __tablename__ = "case_deliveries"
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(12))  # pickup ems electronic
    carrier: Mapped[str] = mapped_column(String(40), default="")
    tracking_number: Mapped[str] = mapped_column(String(40), default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))  # the electronic result
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_by: Mapped[str | None] = mapped_column(String(10))  # helper (after a call) citizen


class CaseRating(Base):
    """The applicant's one rating of a completed case (事项办结后的好差评), from the window's pad
    or the case's public page."""
    __tablename__ = "case_ratings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))
    score: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(8))  # pad web
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    pad_seq: Mapped[int | None] = mapped_column(BigInteger)
    rated_at: Mapped[datetime] = mapped_column(DateTime)


class CaseRatingInvite(Base):
    """A case completed at a window: the window's next pad press rates it."""
    __tablename__ = "case_rating_invites"
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    pad_seq: Mapped[int | None] = mapped_column(BigInteger)  # the press that used it, for a resent press


class CaseReferral(Base):
    """A case offered to the hall one level up or down (互动接力、转办、提请上级); the helper in
    charge stays responsible (首问负责) and follows it."""
    __tablename__ = "case_referrals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    to_hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))  # who offered it
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))  # offered accepted declined
    created_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    answer: Mapped[str] = mapped_column(Text, default="")


class Referral(Base):
    """A ticket or case handed to the hall one level up or down (转办、纵向联动);
    the helper who first took it stays responsible (首问负责制)."""
    __tablename__ = "referrals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    from_hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    to_hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"))  # the helper still responsible
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))  # open accepted closed
    created_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    result: Mapped[str] = mapped_column(Text, default="")


class RatingExclusion(Base):
    """A rating found mistaken or malicious on appeal (申诉复核): kept in the record, left out
    of the figures."""
    __tablename__ = "rating_exclusions"
    rating_id: Mapped[int] = mapped_column(BigId, ForeignKey("ratings.id"), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    reason: Mapped[str] = mapped_column(Text, default="")


class FigureDay(Base):
    """One of a hall's closed days as the rollups know it: ``changes`` counts the writes that
    changed its records after it closed; its rollup rows are fresh while ``built`` equals it."""
    __tablename__ = "figure_days"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    built: Mapped[int | None] = mapped_column(Integer)
    built_at: Mapped[datetime | None] = mapped_column(DateTime)


class FigureMinute(Base):
    """Waiting or service times of one closed day as a per-minute histogram, per queue, window,
    helper (key 0: none) or the whole hall (grouping "hall", key 0)."""
    __tablename__ = "figure_minutes"
    hall_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[str] = mapped_column(String(8), primary_key=True)  # waiting service
    grouping: Mapped[str] = mapped_column(String(8), primary_key=True)  # hall queue window helper
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[int] = mapped_column(Integer, primary_key=True)
    minute: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    total_us: Mapped[int] = mapped_column(BigInteger)  # the durations' sum, in microseconds


class FigureScore(Base):
    """Counted ratings of one closed day per score (excluded ones left out), grouped as above."""
    __tablename__ = "figure_scores"
    hall_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grouping: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


# The figures read a hall's records by time: today's (and the days not rolled up yet) straight
# from these tables, the closed days' cases by their closing time.
Index("ix_tickets_hall_issued", Ticket.hall_id, Ticket.issued_at)
Index("ix_services_hall_called", Service.hall_id, Service.called_at)
Index("ix_cases_hall_closed", Case.hall_id, Case.closed_at)


class Complaint(Base):
    """A complaint or request (诉求) from any channel, and how it was handled (接诉即办)."""
    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # domain.complaints.KIND_NAMES
    source: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(Text)
    person: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))  # the helper concerned
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    deadline: Mapped[date] = mapped_column(Date)
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    status: Mapped[str] = mapped_column(String(8), default="open")
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    handling: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    finding: Mapped[str | None] = mapped_column(String(10))
    serious: Mapped[bool] = mapped_column(Boolean, default=False)  # 情节严重、引发社会不良反响


class ReturnVisit(Base):
    """A completed service or case drawn at random for a satisfaction call (回访), and its answer."""
    __tablename__ = "return_visits"
    __table_args__ = (UniqueConstraint("hall_id", "subject", "subject_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    period: Mapped[str] = mapped_column(String(24))  # the draw's days, 2026-11-01~2026-11-30
    subject: Mapped[str] = mapped_column(String(8))  # service case
    subject_id: Mapped[int] = mapped_column(BigInteger)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))  # who served
    drawn_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12), default="drawn")
    called_at: Mapped[datetime | None] = mapped_column(DateTime)
    called_by: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    score: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class AssessmentEntry(Base):
    """The assessor's inspection findings on one item of seed 004's table for a hall's year:
    instances per deduction, whether the item is scored 0, and the evidence."""
    __tablename__ = "assessment_entries"
    __table_args__ = (UniqueConstraint("hall_id", "year", "item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(16))  # domain.assessment.ITEMS' keys
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    zeroed: Mapped[bool] = mapped_column(Boolean, default=False)
    serious: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime)


Index("ix_complaints_hall_received", Complaint.hall_id, Complaint.received_at)


class BookingBand(Base):
    """预约时段: capacity per queue (or one matter of it) and time band, set by the hall: regular
    hours, 延时服务 evenings, 周末便民服务 weekends."""
    __tablename__ = "booking_bands"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))  # None: any matter of the queue
    kind: Mapped[str] = mapped_column(String(10))  # regular extended weekend
    weekdays: Mapped[str] = mapped_column(String(7))  # "01234": Monday to Friday
    start: Mapped[str] = mapped_column(String(5))  # "09:00", the hall's wall clock
    end: Mapped[str] = mapped_column(String(5))
    slot_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BookingSlotCount(Base):
    """How many bookings hold one slot: raised only while below the band's capacity, in one
    statement, so two bookings at the same instant cannot both take the last place."""
    __tablename__ = "booking_slot_counts"
    band_id: Mapped[int] = mapped_column(ForeignKey("booking_bands.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    start: Mapped[str] = mapped_column(String(5), primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)


class Booking(Base):
    """预约: a matter, a slot and a citizen; checked in at the kiosk for a booked ticket."""
    __tablename__ = "bookings"
    __table_args__ = (UniqueConstraint("hall_id", "day", "code"), Index("ix_bookings_hall_day", "hall_id", "day"),
                      Index("ix_bookings_phone", "hall_id", "phone", "day"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    band_id: Mapped[int] = mapped_column(ForeignKey("booking_bands.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"))
    day: Mapped[date] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))
    slot_start: Mapped[datetime] = mapped_column(DateTime)
    slot_end: Mapped[datetime] = mapped_column(DateTime)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(30))
    service_type: Mapped[str] = mapped_column(String(10))
    priority_group: Mapped[str | None] = mapped_column(String(20))  # queue_policy's, given to the ticket
    state: Mapped[str] = mapped_column(String(12))  # booked checked_in served no_show cancelled
    code: Mapped[str] = mapped_column(String(8))
    public_token: Mapped[str] = mapped_column(String(40), unique=True)
    channel: Mapped[str] = mapped_column(String(12))  # window phone_page
    request_key: Mapped[str | None] = mapped_column(String(120), unique=True)  # idempotency, by who sent it
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # came past the grace: a walk-in ticket
    code_failures: Mapped[int] = mapped_column(Integer, default=0)


class HomeVisit(Base):
    """上门服务: a request recorded by a helper, scheduled by a coordinator, then reported."""
    __tablename__ = "home_visits"
    __table_args__ = (Index("ix_home_visits_hall_state", "hall_id", "state"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    citizen: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(String(20))  # a priority group or key_enterprise
    matter_ids: Mapped[list] = mapped_column(JSON, default=list)
    proposed_at: Mapped[datetime] = mapped_column(DateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(12))  # requested scheduled done cancelled
    note: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    request_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("helpers.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class HomeVisitHelper(Base):
    """A helper on a visit; a joint visit (联合上门) has helpers of other halls too."""
    __tablename__ = "home_visit_helpers"
    visit_id: Mapped[int] = mapped_column(ForeignKey("home_visits.id"), primary_key=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id"), primary_key=True, index=True)


class HomeVisitPage(StoredFile, Base):
    """A page photographed at the visit, with any camera."""
    __tablename__ = "home_visit_pages"
    __table_args__ = (UniqueConstraint("visit_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("home_visits.id"), index=True)
    page: Mapped[int] = mapped_column(Integer)


class SyncOutbox(Base):
    """Changes of the tables that cross the link (``kiosk.server.sync``), as their transactions
    commit them, before the journal's mover gives them their sequence numbers in commit order."""
    __tablename__ = "sync_outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tbl: Mapped[str] = mapped_column(String(40))
    op: Mapped[str] = mapped_column(String(1))  # u: the row as it is now; d: the row deleted
    row: Mapped[dict] = mapped_column(JSON)
    for_hall: Mapped[int | None] = mapped_column(Integer)  # None: every hall server
    at: Mapped[datetime] = mapped_column(DateTime)


class SyncJournal(Base):
    """The outbox in commit order: what this server sends to the other side of its links."""
    __tablename__ = "sync_journal"
    # AUTOINCREMENT: SQLite would otherwise start again at 1 once the journal is pruned empty,
    # and the centre would take the new entries for ones it has applied
    __table_args__ = (Index("ix_sync_journal_for_hall", "for_hall", "seq"), {"sqlite_autoincrement": True})
    seq: Mapped[int] = mapped_column(BigId, primary_key=True)
    tbl: Mapped[str] = mapped_column(String(40))
    op: Mapped[str] = mapped_column(String(1))
    row: Mapped[dict] = mapped_column(JSON)
    for_hall: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


class SyncApplying(Base):
    """On SQLite, a row here while a batch from the other side is written: the capture triggers
    then stay quiet (on PostgreSQL, the setting ``bangban.applying`` does it)."""
    __tablename__ = "sync_applying"
    flag: Mapped[int] = mapped_column(Integer, primary_key=True)


class SyncIdentity(Base):
    """Which node this database is (0: the centre; a hall server's number), for every process
    that writes to it: the server, and the command-line tools beside it (``sync.ids``)."""
    __tablename__ = "sync_identity"
    node: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class SyncPeer(Base):
    """The other end of a link, as this server knows it: at the centre one row per hall server,
    at a hall server one row for the centre (peer 0)."""
    __tablename__ = "sync_peers"
    peer: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hall_id: Mapped[int | None] = mapped_column(Integer)
    applied_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # the last of its journal written here
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # the last of ours it confirmed
    contact_at: Mapped[datetime | None] = mapped_column(DateTime)  # the last exchange that worked
    record_at: Mapped[datetime | None] = mapped_column(DateTime)  # when the last record applied was made
    backlog_records: Mapped[int] = mapped_column(Integer, default=0)  # as the hall last said
    backlog_since: Mapped[datetime | None] = mapped_column(DateTime)  # its oldest record not yet sent
    error: Mapped[str] = mapped_column(String(300), default="")
