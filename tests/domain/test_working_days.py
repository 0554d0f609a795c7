from datetime import date

from kiosk.domain.working_days import Calendar

# 2026's National Day week as an example configuration: Oct 1-8 off (weekdays among them),
# Sunday Sep 27 and Saturday Oct 10 worked instead (调休).
CAL = Calendar.from_config(holidays=["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06",
                                     "2026-10-07", "2026-10-08"],
                           workdays=["2026-09-27", "2026-10-10"])


def test_weekends_do_not_count():
    friday = date(2026, 11, 20)
    assert Calendar().add_working_days(friday, 1) == date(2026, 11, 23)  # Monday
    assert Calendar().add_working_days(friday, 0) == friday


def test_holidays_do_not_count_and_make_up_weekends_do():
    before = date(2026, 9, 30)  # Wednesday before the holiday
    assert CAL.add_working_days(before, 1) == date(2026, 10, 9)  # Friday after it
    assert CAL.add_working_days(before, 2) == date(2026, 10, 10)  # the make-up Saturday
    assert CAL.is_working_day(date(2026, 9, 27)) and not CAL.is_working_day(date(2026, 10, 5))


def test_counting_between_two_days_agrees_with_adding():
    start = date(2026, 9, 25)
    for n in range(0, 30):
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n
    assert CAL.working_days_between(date(2026, 11, 23), date(2026, 11, 20)) == -1
