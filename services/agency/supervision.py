"""The arithmetic of supervision: reproducible samples and ban ends. Pure functions."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from shared.chinatime import CHINA


def draw(population: list[str], *, seed: int, size: int) -> list[str]:
    """`size` members of `population`, drawn with `random.Random(seed)` over the sorted
    population and returned sorted: the same seed and population give the same sample."""
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def ban_end(decided_at: datetime, *, years: int, zone: ZoneInfo) -> datetime:
    """The instant the ban ends: 00:00 in `zone` of the day after its last day.

    The last day is the decision's local date `years` later (29 February → 28 February).
    This is how the Civil Code (arts. 201–203) counts a period in years: the day of the
    decision is not counted, the period ends on the corresponding date of the last year, and
    that last day runs to 24:00. The ban itself is in force from the moment of the decision
    (its row is recorded with the finding), so the uncounted first day is not a gap. A finding
    on 2020-07-15 14:30 China time with 3 ban years: reports refused through
    2023-07-15 23:59:59.999 China time, accepted from 2023-07-16 00:00 (= 2023-07-15 16:00 UTC).
    """
    last = ban_last_day(decided_at, years=years, zone=zone)
    return datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC)


def ban_last_day(decided_at: datetime, *, years: int, zone: ZoneInfo | tzinfo) -> date:
    """The last local date on which the agency is banned."""
    local = decided_at.astimezone(zone).date()
    try:
        return local.replace(year=local.year + years)
    except ValueError:
        return local.replace(year=local.year + years, day=28)


def last_banned_day(ends_at: datetime, zone: tzinfo = CHINA) -> date:
    """The last banned local date of a ban ending at `ends_at` (an exclusive instant): what a
    refusal names. The day before `ends_at`'s local date when it is a midnight (every ban
    since ends were whole days), else that date itself (bans recorded before then ended at
    the decision's time of day)."""
    local = ends_at.astimezone(zone)
    return (local - timedelta(microseconds=1)).date()
