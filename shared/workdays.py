"""Reminder instants before a deadline, in calendar days or in Chinese working days.

Working days follow the State Council's holiday arrangements, adjusted working weekends
included, as the `chinese-calendar` package tables them. This is I/O-free but table-driven
and updated with the package, so workflows get its answers through an activity (a table
update must not change the decisions of a workflow being replayed).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import chinese_calendar

from shared.chinatime import CHINA, at_china

REMINDER_HOUR = 9


log = logging.getLogger(__name__)

# Lunar New Year's Day (正月初一) of the years after the package's tables; astronomical, so
# known long before the State Council's arrangement of the holiday around it.
_SPRING_FESTIVAL = {
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
    2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
    2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
}


def has_official_table(year: int) -> bool:
    """Whether the installed `chinese-calendar` has the State Council's arrangement for `year`
    (updating the package is all it takes to get a new year's table)."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def estimated_holidays(year: int) -> set[date]:
    """The holidays of a year without an official table, from what does not depend on the
    yearly arrangement: 元旦 (1 January), 劳动节 (1–5 May), 国庆 (1–7 October) and, where the
    lunar date is tabled above, 春节 (New Year's Eve to the seventh day). The adjusted working
    weekends cannot be known before the arrangement and are not counted."""
    days = {date(year, 1, 1)}
    days |= {date(year, 5, d) for d in range(1, 6)}
    days |= {date(year, 10, d) for d in range(1, 8)}
    if (new_year := _SPRING_FESTIVAL.get(year)) is not None:
        days |= {new_year + timedelta(days=n) for n in range(-1, 7)}
    return days


def is_workday(day: date) -> bool:
    """A Chinese working day. For a year the package has no table for yet (the State Council
    publishes each year's arrangements late in the year before), Monday to Friday less the
    holidays known without the table (`estimated_holidays`), logged, rather than a batch whose
    reminders cannot be planned or a reminder on 1 January."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("no holiday table for %s: working days estimated without it", day.year)
        return day.weekday() < 5 and day not in estimated_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days before `day` (`day` itself not counted)."""
    found, current = 0, day
    while found < count:
        current -= timedelta(days=1)
        if is_workday(current):
            found += 1
    return current


def reminder_instant(deadline: datetime, amount: int, unit: str) -> datetime:
    """When to remind `amount` days (or working days) before `deadline`: 09:00 China time on
    that day. A deadline of 00:00 means "before that day", so counting starts the day before."""
    local = deadline.astimezone(CHINA)
    last_day = (
        local.date() - timedelta(days=1) if local.time() == datetime.min.time() else local.date()
    )
    if unit == "working_days":
        day = working_days_before(last_day + timedelta(days=1), amount)
    else:
        day = last_day + timedelta(days=1) - timedelta(days=amount)
    return at_china(day, hour=REMINDER_HOUR)


def estimated_years(deadline: datetime, offsets: list[tuple[int, str]]) -> list[int]:
    """The years whose working days a batch's reminders are planned with but for which the
    installed package has no official table (the operator should update `chinese-calendar`)."""
    if not any(unit == "working_days" for _, unit in offsets):
        return []
    days = [reminder_instant(deadline, amount, unit).astimezone(CHINA).date()
            for amount, unit in offsets]
    years = {d.year for d in days} | {deadline.astimezone(CHINA).year}
    return sorted(y for y in years if not has_official_table(y))
