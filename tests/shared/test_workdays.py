"""Reminder instants: calendar days, Chinese working days (holidays and adjusted weekends)."""

from __future__ import annotations

from datetime import date, datetime

from shared.chinatime import CHINA
from shared.workdays import reminder_instant, working_days_before

DEADLINE = datetime(2020, 6, 1, tzinfo=CHINA)  # "before 1 June 2020"


def test_calendar_days_count_back_from_the_deadline_at_nine() -> None:
    assert reminder_instant(DEADLINE, 30, "calendar_days") == datetime(2020, 5, 2, 9, tzinfo=CHINA)
    assert reminder_instant(DEADLINE, 7, "calendar_days") == datetime(2020, 5, 25, 9, tzinfo=CHINA)


def test_working_days_skip_weekends_and_holidays_and_count_adjusted_saturdays() -> None:
    # 30-31 May 2020 is a weekend: the last working day before 1 June is Friday 29 May.
    assert reminder_instant(DEADLINE, 1, "working_days") == datetime(2020, 5, 29, 9, tzinfo=CHINA)
    # Labour Day 2020: 1-5 May off, Sunday 26 April and Saturday 9 May worked.
    assert working_days_before(date(2020, 5, 6), 1) == date(2020, 4, 30)
    assert working_days_before(date(2020, 5, 11), 1) == date(2020, 5, 9)
    assert working_days_before(date(2020, 4, 27), 1) == date(2020, 4, 26)


def test_a_year_without_a_holiday_table_counts_weekdays() -> None:
    assert working_days_before(date(2031, 6, 2), 1) == date(2031, 5, 30)  # Monday → Friday


def test_after_the_table_ends_fixed_date_holidays_are_still_not_working_days() -> None:
    from shared.workdays import estimated_holidays, has_official_table, is_workday

    assert has_official_table(2026) and not has_official_table(2027)
    # The official 2026 table and the estimate agree on the fixed-date holidays.
    for day in estimated_holidays(2026) - {d for d in estimated_holidays(2026) if d.month == 2}:
        assert not is_workday(day), day
    # 1 January 2027 is a Friday: a reminder "one working day before 2 January" falls on
    # Thursday 31 December 2026, not on New Year's Day.
    assert not is_workday(date(2027, 1, 1))
    assert reminder_instant(datetime(2027, 1, 2, tzinfo=CHINA), 1, "working_days") == datetime(
        2026, 12, 31, 9, tzinfo=CHINA)
    # Golden week and Labour Day of 2027; the Spring Festival from New Year's Eve (5 February).
    assert working_days_before(date(2027, 10, 8), 1) == date(2027, 9, 30)
    assert working_days_before(date(2027, 5, 6), 1) == date(2027, 4, 30)
    assert working_days_before(date(2027, 2, 15), 1) == date(2027, 2, 4)


def test_years_without_an_official_table_are_named_only_for_working_day_reminders() -> None:
    from shared.workdays import estimated_years

    offsets = [(30, "calendar_days"), (1, "working_days")]
    assert estimated_years(DEADLINE, offsets) == []
    assert estimated_years(datetime(2028, 6, 1, tzinfo=CHINA), offsets) == [2028]
    assert estimated_years(datetime(2028, 6, 1, tzinfo=CHINA), [(30, "calendar_days")]) == []
