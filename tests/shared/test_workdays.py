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
