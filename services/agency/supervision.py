"""The arithmetic of supervision: reproducible samples and ban ends. Pure functions."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def draw(population: list[str], *, seed: int, size: int) -> list[str]:
    """`size` members of `population`, drawn with `random.Random(seed)` over the sorted
    population and returned sorted: the same seed and population give the same sample."""
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def ban_end(decided_at: datetime, *, years: int, zone: ZoneInfo) -> datetime:
    """The same local date and time `years` later in `zone` (29 February → 28 February)."""
    local = decided_at.astimezone(zone)
    try:
        end = local.replace(year=local.year + years)
    except ValueError:
        end = local.replace(year=local.year + years, day=28)
    return end.astimezone(UTC)
