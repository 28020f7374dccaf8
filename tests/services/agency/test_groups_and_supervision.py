"""Groups are connected components; samples are reproducible; bans end on the same date."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from services.agency.groups import component
from services.agency.supervision import ban_end, draw


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


def test_a_ban_ends_on_the_same_local_date_years_later() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    decided = datetime(2020, 6, 1, 2, 30, tzinfo=UTC)  # 10:30 in Beijing
    assert ban_end(decided, years=3, zone=zone) == datetime(2023, 6, 1, 2, 30, tzinfo=UTC)
    leap = datetime(2024, 2, 29, 4, 0, tzinfo=UTC)
    assert ban_end(leap, years=3, zone=zone) == datetime(2027, 2, 28, 4, 0, tzinfo=UTC)
