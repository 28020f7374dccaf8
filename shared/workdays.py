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


def is_workday(day: date) -> bool:
    """A Chinese working day. For a year the package has no table for yet (the State Council
    publishes each year's arrangements late in the year before), Monday to Friday, logged,
    rather than a batch whose reminders cannot be planned."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("no holiday table for %s: counting Monday to Friday as working days", day.year)
        return day.weekday() < 5


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
