"""Working days by China's calendar (the State Council's holidays and 调休, from chinese-calendar),
with a hall's own closures on top. The dates are the published ones (国办发明电〔2025〕7号 for 2026)."""
from datetime import date

from kiosk.domain.working_days import Calendar

CHINA = Calendar()


def test_with_nothing_configured_spring_festival_2026_is_not_counted():
    # 春节 2026: 15-23 February off; Saturday 14 and Saturday 28 February worked instead (调休)
    friday_before = date(2026, 2, 13)
    assert not CHINA.is_working_day(date(2026, 2, 16))  # a Monday of the holiday
    assert CHINA.add_working_days(friday_before, 1) == date(2026, 2, 14)  # the make-up Saturday
    assert CHINA.add_working_days(friday_before, 2) == date(2026, 2, 24)  # the Tuesday after
    # 14, 24, 25, 26, 27 and the Saturday 28
    assert CHINA.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert CHINA.is_working_day(date(2026, 2, 28))  # a 调休 Saturday counts


def test_national_day_2026_and_its_make_up_saturday():
    assert CHINA.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)  # 1-7 October off
    assert CHINA.is_working_day(date(2026, 10, 10))  # Saturday 10 October worked
    assert not CHINA.is_working_day(date(2026, 10, 11))


def test_a_halls_own_closures_and_extra_days_count_on_top():
    hall = Calendar.from_config(holidays=["2026-11-20"], workdays=[date(2026, 11, 22)])
    assert CHINA.is_working_day(date(2026, 11, 20)) and not hall.is_working_day(date(2026, 11, 20))
    assert not CHINA.is_working_day(date(2026, 11, 22)) and hall.is_working_day(date(2026, 11, 22))
    assert hall.add_working_days(date(2026, 11, 19), 1) == date(2026, 11, 22)


def test_without_the_national_calendar_only_weekends_and_the_halls_days_count():
    plain = Calendar(national=False)
    assert plain.is_working_day(date(2026, 2, 16)) and not plain.is_working_day(date(2026, 2, 14))
    friday = date(2026, 11, 20)
    assert plain.add_working_days(friday, 1) == date(2026, 11, 23)
    assert plain.add_working_days(friday, 0) == friday


def test_a_year_the_package_does_not_know_is_said_so_and_counts_monday_to_friday():
    later = date(CHINA.last_known_year + 1, 1, 1)
    assert CHINA.beyond_known(later) and not CHINA.beyond_known(date(2026, 2, 16))
    assert not Calendar(national=False).beyond_known(later)
    # the next year's holidays are not invented: 1 January counts unless the hall closes it
    assert CHINA.is_working_day(later) == (later.weekday() < 5)
    assert not Calendar.from_config(holidays=[later]).is_working_day(later)


def test_counting_between_two_days_agrees_with_adding():
    start = date(2026, 9, 25)
    for n in range(0, 40):
        assert CHINA.working_days_between(start, CHINA.add_working_days(start, n)) == n
    assert CHINA.working_days_between(date(2026, 11, 23), date(2026, 11, 20)) == -1
