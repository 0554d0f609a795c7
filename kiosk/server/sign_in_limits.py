"""Wrong PINs slow sign-in down, at the window terminals and on the supervisor pages alike.

A known helper's failures are kept on the helper's row (failed_logins, locked_until); made-up
codes are remembered here for a while, per place they were typed at, so codes cannot be probed
quickly either.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from kiosk.server.errors import ApiError

_unknown_code_failures: dict[tuple[int, str], list[float]] = {}
_unknown_lock = threading.Lock()


def locked_out(seconds: int) -> ApiError:
    return ApiError(429, "too_many_attempts", f"密码错误次数过多，请 {seconds} 秒后再试",
                    headers={"Retry-After": str(seconds)})


def pin_tried(helper, pin_ok: bool, limit: int, lock_s: int, now: datetime) -> bool:
    """A known helper's PIN, tried: refused while the helper is locked out; a wrong one counted,
    locking the code past ``limit`` for ``lock_s``, doubled at each further failure up to 15
    minutes; a right one clears the count. Whether it was right."""
    if helper.locked_until and helper.locked_until > now:
        raise locked_out(int((helper.locked_until - now).total_seconds()) + 1)
    if not pin_ok:
        helper.failed_logins += 1
        over = helper.failed_logins - limit
        if over >= 0:
            helper.locked_until = now + timedelta(seconds=min(lock_s * 2 ** over, 900))
        return False
    helper.failed_logins, helper.locked_until = 0, None
    return True


def unknown_code_failed(place: int, code: str, limit: int, lock_s: int) -> None:
    """Count a failure with a code nobody has at ``place``; raise once there were too many."""
    now = time.monotonic()
    with _unknown_lock:
        if len(_unknown_code_failures) > 10_000:  # made-up codes must not grow memory without end
            _unknown_code_failures.clear()
        recent = [t for t in _unknown_code_failures.get((place, code), []) if now - t < lock_s]
        recent.append(now)
        _unknown_code_failures[(place, code)] = recent
    if len(recent) > limit:
        raise locked_out(lock_s)
