"""Time limits in working days (承诺时限), by China's calendar: the public holidays and the
make-up working weekends (调休) that the State Council announces each year, as the
``chinese-calendar`` package carries them, with a hall's own closures and extra working days
on top. A year the package does not know yet counts Monday to Friday, plus the hall's own days:
``beyond_known`` says which dates those are, so ``bangban doctor`` can warn about them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

# The years a hall can have records in: a date outside them is a mistake (and near the ends of
# Python's calendar, year 1 or 9999, a day's UTC bounds and the hall's offset do not exist).
HALL_YEARS = range(2000, 2200)
OUTSIDE_HALL_YEARS = f"日期超出范围：请选择 {HALL_YEARS[0]} 年至 {HALL_YEARS[-1]} 年之间的日期"
NATIONAL_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)  # the hall's own closures
    workdays: frozenset[date] = field(default_factory=frozenset)  # the hall's own extra working days
    national: bool = True  # False: only weekends and the hall's own days (a hall abroad, a test)

    @classmethod
    def from_config(cls, holidays=(), workdays=(), national: bool = True) -> "Calendar":
        """Dates as ``date`` or "2026-10-01"."""
        def days(values) -> frozenset[date]:
            return frozenset(d if isinstance(d, date) else date.fromisoformat(d) for d in values or ())
        return cls(days(holidays), days(workdays), national)

    def beyond_known(self, day: date) -> bool:
        """True when the State Council's days of ``day``'s year are not known here (counted as Monday
        to Friday, with the hall's own days): its deadline may fall on a holiday."""
        return self.national and day.year not in NATIONAL_YEARS

    @property
    def last_known_year(self) -> int:
        return NATIONAL_YEARS[-1]

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.national and day.year in NATIONAL_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

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
