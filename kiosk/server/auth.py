"""Who is calling: device tokens, helper sessions, PIN hashes, and what each role may do."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kiosk.domain.roles import SUPERVISOR_ROLES
from kiosk.server.errors import ApiError
from kiosk.server.models import Device, Hall, Helper, HelperSession, Window
from kiosk.server.sync.status import hall_served_elsewhere

DEVICE_KINDS = ("kiosk", "display", "pad", "window", "admin", "hall_server")
TERMINAL_KINDS = ("kiosk", "display", "pad", "window")
HALL_HAS_OWN_SERVER = "本厅已有厅内服务器：请把本设备的服务器地址改为厅内服务器的地址"
# 联络员 (信息统计报送): reads their own hall's figures and ledger on the supervisor pages, nothing more
READER_ROLES = (*SUPERVISOR_ROLES, "liaison")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        mine = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), dklen=32,
                              n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(mine.hex(), digest)


_NOBODY: list[str] = []  # the hash a made-up helper code is checked against, made when first needed


def pin_matches(helper: Helper | None, pin: str) -> bool:
    """The sign-in check: one scrypt whether the helper exists or not, so a code nobody has is
    refused as slowly as a wrong PIN, and codes cannot be found out by timing."""
    if helper is not None:
        return check_pin(pin, helper.pin_hash)
    if not _NOBODY:
        _NOBODY.append(hash_pin(secrets.token_urlsafe(16)))
    check_pin(pin, _NOBODY[0])
    return False


def new_token(prefix: str) -> tuple[str, str]:
    """A random token and the hash we keep of it (tokens are long and random, so SHA-256 suffices)."""
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    device: Device
    helper: Helper | None = None
    window: Window | None = None  # the window a helper session is bound to
    session_id: int | None = None

    @property
    def hall_id(self) -> int:
        return self.device.hall_id

    @property
    def kind(self) -> str:
        return "helper" if self.helper else self.device.kind

    @property
    def is_staff(self) -> bool:
        return self.helper is not None or self.device.kind == "admin"

    @property
    def is_supervisor(self) -> bool:
        return self.device.kind == "admin" or (self.helper is not None and self.helper.role in SUPERVISOR_ROLES)


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "缺少令牌：请在 Authorization 头中提供 Bearer 令牌")
    return token.strip()


def identify(db: Session, token: str) -> Caller:
    digest = token_hash(token)
    if token.startswith("bbs_"):
        row = db.execute(
            select(HelperSession, Helper, Window, Device)
            .join(Helper, Helper.id == HelperSession.helper_id)
            .join(Window, Window.id == HelperSession.window_id)
            .join(Device, Device.id == HelperSession.device_id)
            .where(HelperSession.token_hash == digest, HelperSession.ended_at.is_(None))
        ).first()
        if row and not row.Device.revoked:
            return Caller(device=row.Device, helper=row.Helper, window=row.Window,
                          session_id=row.HelperSession.id)
    else:
        device = db.scalar(select(Device).where(Device.token_hash == digest))
        if device and not device.revoked:
            if device.kind in TERMINAL_KINDS and hall_served_elsewhere(db, device.hall_id):
                raise ApiError(409, "hall_has_own_server", HALL_HAS_OWN_SERVER)
            return Caller(device=device)
    raise ApiError(401, "invalid_token", "令牌无效或已失效，请重新登录或联系管理员")


_DEVICE_VALID = select(Device.id).where(Device.id == bindparam("device_id"), Device.revoked.is_(False))
_SESSION_VALID = (select(HelperSession.id).join(Device, Device.id == HelperSession.device_id)
                  .where(HelperSession.id == bindparam("session_id"), HelperSession.ended_at.is_(None),
                         Device.revoked.is_(False)))


def still_valid(db: Session, caller: Caller) -> bool:
    """The caller's device is not revoked, and its helper session (if any) not ended: one
    indexed read, where loading the whole identity takes a dozen."""
    if caller.session_id is not None:
        return db.execute(_SESSION_VALID, {"session_id": caller.session_id}).first() is not None
    return db.execute(_DEVICE_VALID, {"device_id": caller.device.id}).first() is not None


@dataclass
class _Known:
    caller: Caller
    checked_until: float
    loaded_until: float


class CallerCache:
    """Who a token is, remembered: most requests then cost no lookup.

    A remembered identity is checked again (``still_valid``) after ``ttl`` seconds and loaded
    again in full (names, roles, a window's queues) after ``reload_s``. Sign-in and sign-out
    clear it in this process; other worker processes notice a revoked token within ``ttl``.
    """

    def __init__(self, ttl: float = 2.0, reload_s: float = 60.0):
        self.ttl, self.reload_s, self._entries = ttl, reload_s, {}
        self._heard: dict[int, float] = {}  # helper session id -> when this process last had a request of it

    def get(self, token: str) -> Caller | None:
        """The caller if checked within ``ttl``."""
        entry = self._entries.get(token)
        if entry and entry.checked_until > time.monotonic():
            self._hear(entry.caller)
            return entry.caller
        return None

    def _hear(self, caller: Caller) -> None:
        if caller.session_id is not None:
            self._heard[caller.session_id] = time.monotonic()

    def silent_s(self, session_id: int) -> float:
        """How long since a request of this helper session; one this process never heard (it
        started since) counts from now, so a restart gives every terminal its full time."""
        now = time.monotonic()
        return now - self._heard.setdefault(session_id, now)

    def load(self, db: Session, token: str) -> Caller:
        """The caller, checked again if remembered and not due for a full load, else loaded."""
        entry = self._entries.get(token)
        now = time.monotonic()
        if entry is not None and entry.loaded_until > now and still_valid(db, entry.caller):
            entry.checked_until = now + self.ttl
            self._hear(entry.caller)
            return entry.caller
        caller = identify(db, token)
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[token] = _Known(caller, now + self.ttl, now + self.reload_s)
        self._hear(caller)
        return caller

    def clear(self) -> None:
        self._entries.clear()  # what was heard stays: it is about sessions, not tokens


def require(caller: Caller, *kinds: str) -> None:
    """kinds: device kinds, "helper" for a signed-in helper, "staff" for helpers and admins."""
    if caller.kind in kinds or ("staff" in kinds and caller.is_staff):
        return
    raise ApiError(403, "forbidden", "此设备或账号无权进行该操作")


def visible_halls(db: Session, caller: Caller) -> set[int]:
    """A hall's staff see their hall; supervisors also see every hall below it."""
    seen = {caller.hall_id}
    if not caller.is_supervisor:
        return seen
    frontier = [caller.hall_id]
    while frontier:
        children = db.scalars(select(Hall.id).where(Hall.parent_id.in_(frontier))).all()
        frontier = [c for c in children if c not in seen]
        seen.update(frontier)
    return seen
