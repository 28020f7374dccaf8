"""Reminder instants before a deadline, in calendar days or in Chinese working days.

Working days follow the State Council's holiday arrangements, adjusted working weekends
included, as the `chinese-calendar` package tables them. This is I/O-free but table-driven
and updated with the package, so workflows get its answers through an activity (a table
update must not change the decisions of a workflow being replayed).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar

from shared.chinatime import CHINA, at_china

REMINDER_HOUR = 9


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days before `day` (`day` itself not counted)."""
    found, current = 0, day
    while found < count:
        current -= timedelta(days=1)
        if chinese_calendar.is_workday(current):
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
