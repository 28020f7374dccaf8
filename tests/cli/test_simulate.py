"""`greenlist simulate`: batch 5 from 2020-03-02 to the review of 2026, time-skipped."""

from __future__ import annotations

from pathlib import Path

from cli.simulate import simulate
from tests.helpers.run import make_settings, new_run_id


async def test_fifth_batch_through_two_reviews(tmp_path: Path) -> None:
    base = make_settings(new_run_id(), "unused:0", tmp_path)
    lines: list[str] = []
    summary = await simulate(base, scale=0.01, seed=7, progress=lines.append)

    # Reminders on their days, 09:00 China time, to the authorities that had not submitted.
    silent = {"650000", "660000", "540000"}
    assert set(summary.missing_packages) >= silent
    reminded = dict(summary.reminder_dates)
    assert reminded["2020-05-02 09:00"] >= len(silent)  # 30 days before 2020-06-01
    assert reminded["2020-05-25 09:00"] == len(summary.missing_packages)  # 7 days
    assert reminded["2020-05-29 09:00"] == len(summary.missing_packages)  # 1 working day (Friday)
    assert set(reminded) == {"2020-05-02 09:00", "2020-05-25 09:00", "2020-05-29 09:00"}
    # Quotas and the cap held: the 31st factory and 4th park of Jiangsu, an agency's 16th project.
    assert sorted(summary.quota_refusals) == ["320000 green_factory", "320000 green_park"]
    assert len(summary.cap_refusals) == 1
    # Publication and the two reviews.
    assert summary.listed > 40 and len(summary.excluded) == 1
    assert [r["opened"] for r in summary.reviews] == ["2023-10-30", "2026-10-30"]
    first, second = summary.reviews
    assert second["units"] == first["units"] - first["removed"]
    assert sum(summary.removals.values()) == first["removed"] + second["removed"]
    assert all(r["missing"] for r in summary.reviews)  # one authority never reported
    assert summary.yearly_reminders > 0
    assert summary.stages["listed"] + summary.stages["rejected"] >= summary.listed
    # Nothing twice, nothing parked.
    assert summary.duplicate_events == 0 and summary.duplicate_notifications == 0
    assert summary.notifications > summary.listed and summary.dead_letters == 0
    assert any("2026-10-30" in line for line in lines)
