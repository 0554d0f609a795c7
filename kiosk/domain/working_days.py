"""Time limits in working days (承诺时限), with the public holidays and the make-up working
weekends (调休) that the State Council announces each year, given as configuration."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)  # weekdays off
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked (调休)

    @classmethod
    def from_config(cls, holidays: list[str] | None = None, workdays: list[str] | None = None) -> "Calendar":
        return cls(frozenset(date.fromisoformat(d) for d in holidays or ()),
                   frozenset(date.fromisoformat(d) for d in workdays or ()))

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The deadline of a limit of ``days`` working days counted from the day after ``start``
        (the day of acceptance does not count); 0 days means the same day."""
        day = start
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1)
                   if self.is_working_day(start + timedelta(days=n)))
