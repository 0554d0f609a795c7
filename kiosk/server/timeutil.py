"""Times are stored as naive UTC and shown in the hall's time zone with its offset."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Asia/Shanghai")


def set_timezone(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(moment: datetime | None, timespec: str = "seconds") -> str | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(_zone).isoformat(timespec=timespec)


def local_day(moment: datetime) -> date:
    """The hall's calendar day of a UTC moment: ticket numbers restart on it."""
    return moment.replace(tzinfo=timezone.utc).astimezone(_zone).date()


def utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The hall's calendar days first..last as a half-open UTC range."""
    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), _zone).astimezone(timezone.utc).replace(tzinfo=None)
    return midnight(first), midnight(last + timedelta(days=1))


def utc_offset_hours() -> int:
    """The hall's offset from UTC now, in whole hours (China keeps +8 all year)."""
    return int(datetime.now(_zone).utcoffset().total_seconds() // 3600)
