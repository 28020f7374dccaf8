"""The triennial review (time-skipped): requests, reminders, reports, removals, the outcome."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError

from services.review.legacy import parse_legacy_csv
from services.review.models import ListedUnit, ReReview
from services.review.repository import triennial_records
from shared.contracts.auth import Principal, Role
from shared.contracts.listing import RemovalReason, ReReviewReport, ReReviewStart, UnitCheck
from shared.temporal import listing_workflow_id
from shared.timeskip import start_time_skipping
from tests.helpers.histories import keep_history
from tests.helpers.services_side import review_side
from workflows.listing.workflow import ListingWorkflow
from workflows.rereview.schedule import start_listings, start_rereview_now
from workflows.rereview.workflow import ReReviewWorkflow

OPENS = datetime(2020, 3, 2, 1, 0, tzinfo=UTC)  # the notice: 2017's lists reviewed in 2020

LEGACY = """batch,category,region,name,credit_code,published_on
2017-1,绿色工厂,110000,北京一厂,91350100M000100Y43,2017-08-25
2017-1,green_factory,110000,北京二厂,9144030071526726XG,2017-08-25
2017-1,绿色园区,上海市,上海园区,91310000MA1FL0XXX0,2017-08-25
2017-1,green_park,440000,广东园区,91350100M000100Y43,2017-08-25
"""


def province(region: str) -> Principal:
    return Principal(role=Role.PROVINCE, scope=region)


async def test_review_reminds_the_silent_removes_the_reported_and_publishes(tmp_path: Path) -> None:
    parsed = parse_legacy_csv(LEGACY.encode())
    # The third row's credit code has a wrong check character: rejected, the rest imported.
    assert [r.line for r in parsed.rejected] == [4]
    assert len(parsed.rows) == 3
    env = await start_time_skipping(OPENS)
    try:
        async with review_side(env, tmp_path) as side:
            async with side.sessions() as session, session.begin():
                done = await triennial_records.import_legacy_units(session, rows=parsed.rows)
                assert done.added == 3
                units = [row.unit() for row in parsed.rows]
            await start_listings(env.client, side.queues, units)
            handle = await start_rereview_now(env.client, ReReviewStart(batch="2017-1"), side.queues, OPENS)
            for _ in range(200):  # until the review has asked the authorities
                view = await handle.query(ReReviewWorkflow.view)
                if view.stage == "collecting":
                    break
                await asyncio.sleep(0.05)
            assert view.regions_pending == ["110000", "440000"]
            assert view.deadline == datetime(2020, 5, 31, 16, 0, tzinfo=UTC)  # 2020-06-01 00:00 China time
            requested = await side.events("review.rereview.requested")
            assert sorted(e["payload"]["region"] for e in requested) == ["110000", "440000"]

            beijing = [u for u in units if u.region == "110000"]
            # A report must cover every unit of the authority, and only the authority reports.
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(ReReviewWorkflow.report, ReReviewReport(
                    actor=province("110000"), results=[UnitCheck(application_id=beijing[0].application_id, outcome="retained")]))
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(ReReviewWorkflow.report, ReReviewReport(
                    actor=province("440000"), results=[UnitCheck(application_id=u.application_id, outcome="retained") for u in beijing]))
            removed_id = beijing[1].application_id
            await handle.execute_update(ReReviewWorkflow.report, ReReviewReport(
                actor=province("110000"),
                results=[UnitCheck(application_id=beijing[0].application_id, outcome="retained"),
                         UnitCheck(application_id=removed_id, outcome="removed",
                                   reasons=[RemovalReason.POLLUTION_INCIDENT], note="2019年发生较大突发环境事件")]))
            with pytest.raises(WorkflowUpdateFailedError):  # once only
                await handle.execute_update(ReReviewWorkflow.report, ReReviewReport(
                    actor=province("110000"),
                    results=[UnitCheck(application_id=u.application_id, outcome="retained") for u in beijing]))

            # Guangdong never reports: reminded 30, 7 and 1 days before the deadline, then named.
            outcome = await handle.result()
            await keep_history(handle, "rereview-completed")
            reminders = await side.events("review.rereview.reminder")
            assert [(e["payload"]["region"], e["payload"]["days_left"]) for e in reminders] == [
                ("440000", 30), ("440000", 7), ("440000", 1)]
            assert [datetime.fromisoformat(e["occurred_at"]).astimezone(UTC).date() for e in reminders] == [
                datetime(2020, 5, 1).date(), datetime(2020, 5, 24).date(), datetime(2020, 5, 30).date()]
            assert outcome.removed == [removed_id] and outcome.stage == "completed"
            completed = await side.events("review.rereview.completed")
            assert completed[0]["payload"]["regions_missing"] == ["440000"]
            assert completed[0]["payload"]["removed"] == 1 and completed[0]["payload"]["retained"] == 2
            # It closed at the deadline, not before (Guangdong could still have reported).
            closed = datetime.fromisoformat(completed[0]["payload"]["completed_at"]).astimezone(UTC)
            assert timedelta(0) <= closed - datetime(2020, 5, 31, 16, 0, tzinfo=UTC) < timedelta(minutes=1)

            listing = env.client.get_workflow_handle_for(ListingWorkflow.run, listing_workflow_id(removed_id))
            assert (await listing.result()).status == "removed"
            async with side.sessions() as session:
                unit = await session.get(ListedUnit, removed_id)
                assert unit is not None and unit.status == "removed"
                assert unit.removal is not None and unit.removal["reasons"] == ["pollution_incident"]
                review = await session.get(ReReview, handle.id)
                assert review is not None and review.status == "completed" and review.removed == 1
            removed = await side.events("review.unit.removed")
            assert [e["payload"]["application_id"] for e in removed] == [removed_id]
            assert removed[0]["payload"]["source"] == "rereview"
            # The other units stay listed and keep their yearly cycle.
            kept = env.client.get_workflow_handle_for(ListingWorkflow.run, listing_workflow_id(beijing[0].application_id))
            assert (await kept.query(ListingWorkflow.view)).status == "listed"
    finally:
        await env.shutdown()
