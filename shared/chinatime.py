"""Dates in China time, computed inside workflows (deterministic: no files, no clock)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

# China Standard Time has had no daylight saving since 1991, so a fixed offset is exact and
# keeps workflow code free of the tz database.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def at_china(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), CHINA)


def same_day_in_year(day: date, year: int) -> date:
    """The anniversary of `day` in `year` (29 February falls back to 28 February)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def deadline_text(moment: datetime) -> str:
    """`2020-06-01 00:00 (Asia/Shanghai)`: an instant in China time, compact and the same in
    both languages (refusal messages quote it); ValueError for a naive datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: cannot place it in China time")
    return f"{moment.astimezone(CHINA):%Y-%m-%d %H:%M} (Asia/Shanghai)"
