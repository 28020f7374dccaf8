"""China Standard Time: deadlines are stated and shown in it.

China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for
every date this programme deals with, and it needs no time-zone database: workflow code
(which must not read files) can format deadlines with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Final

CHINA_TZ_NAME: Final = "Asia/Shanghai"
CHINA_TZ: Final = timezone(timedelta(hours=8), CHINA_TZ_NAME)


def china_time(moment: datetime) -> str:
    """`2020-06-01 00:00 (Asia/Shanghai)` for an aware datetime; ValueError if naive."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: cannot place it in China time")
    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M} ({CHINA_TZ_NAME})"
