"""Groups are connected components; samples are reproducible; a ban runs through its whole last day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.agency.groups import component
from services.agency.supervision import ban_end, draw, last_banned_day


def test_relations_form_groups_transitively() -> None:
    edges = [("A", "P"), ("B", "P"), ("C", "B"), ("D", "E")]
    assert component("A", edges) == {"A", "B", "C", "P"}
    assert component("E", edges) == {"D", "E"}
    assert component("Z", edges) == {"Z"}


def test_a_draw_is_reproducible_from_its_seed() -> None:
    population = [f"agency-{i:02d}" for i in range(40)]
    first = draw(population, seed=20200302, size=4)
    assert first == draw(list(reversed(population)), seed=20200302, size=4)
    assert len(first) == 4 and set(first) <= set(population)
    assert draw(population, seed=1, size=99) == sorted(population)


def test_a_ban_runs_through_the_whole_last_day_in_china_time() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    # 2020-07-15 14:30 in Beijing, 3 ban years: the last banned day is 2023-07-15 (China
    # time), the ban ends at 2023-07-16 00:00 China time, not at 14:30 on the 15th.
    decided = datetime(2020, 7, 15, 6, 30, tzinfo=UTC)
    ends = ban_end(decided, years=3, zone=zone)
    assert ends == datetime(2023, 7, 16, 0, 0, tzinfo=zone)
    assert ends == datetime(2023, 7, 15, 16, 0, tzinfo=UTC)
    assert last_banned_day(ends) == date(2023, 7, 15)
    # Decided late in the evening in Beijing (still the previous day in UTC): the local date
    # counts, not the UTC one.
    late = datetime(2020, 7, 15, 23, 30, tzinfo=zone)
    assert ban_end(late, years=3, zone=zone) == datetime(2023, 7, 16, 0, 0, tzinfo=zone)
    early = datetime(2020, 7, 15, 0, 0, tzinfo=zone)
    assert ban_end(early, years=3, zone=zone) == datetime(2023, 7, 16, 0, 0, tzinfo=zone)
    # 29 February: the last day is 28 February of the last year.
    leap = datetime(2024, 2, 29, 12, 0, tzinfo=zone)
    assert ban_end(leap, years=3, zone=zone) == datetime(2027, 3, 1, 0, 0, tzinfo=zone)
    assert last_banned_day(ban_end(leap, years=3, zone=zone)) == date(2027, 2, 28)
    # A ban recorded before whole days (ending at the decision's time of day) names its day.
    assert last_banned_day(datetime(2023, 6, 1, 2, 30, tzinfo=UTC)) == date(2023, 6, 1)
