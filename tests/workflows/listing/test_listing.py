"""A listed unit over the years (time-skipped): yearly reminders, reports, removal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from services.review.models import ListedUnit, Publication
from shared.contracts.auth import Principal, Role
from shared.contracts.listing import ListedUnitRef, Removal, RemovalReason, YearlyReportSubmitted
from shared.rules.model import Category
from shared.temporal import listing_workflow_id
from shared.timeskip import start_time_skipping
from tests.helpers.histories import keep_history
from tests.helpers.services_side import review_side
from workflows.listing.workflow import ListingWorkflow
from workflows.rereview.schedule import start_listings

PUBLISHED = datetime(2020, 10, 30, 2, 0, tzinfo=UTC)  # 10:00 China time


async def test_yearly_reminders_then_removal(tmp_path: Path) -> None:
    env = await start_time_skipping(PUBLISHED)
    try:
        async with review_side(env, tmp_path) as side:
            unit = ListedUnitRef(
                application_id="2020-5-110000-FAAAAAA", batch="2020-5", category=Category.GREEN_FACTORY,
                region="110000", name="北京示例工厂", credit_code="91350100M000100Y43", published_at=PUBLISHED,
            )
            async with side.sessions() as session, session.begin():
                session.add(Publication(id="p1", batch="2020-5", published_at=PUBLISHED, actor="test"))
                await session.flush()
                session.add(ListedUnit(
                    application_id=unit.application_id, publication_id="p1", batch="2020-5",
                    category="green_factory", region="110000", name=unit.name, credit_code=unit.credit_code,
                    status="listed", published_at=PUBLISHED,
                ))
            await start_listings(env.client, side.queues, [unit])
            handle = env.client.get_workflow_handle_for(ListingWorkflow.run, listing_workflow_id(unit.application_id))

            # A year on: the 2020 report is due on the anniversary, 09:00 China time; none came.
            await env.sleep(timedelta(days=366))
            due = await side.events("review.yearly_report.due")
            assert [(e["payload"]["year"], e["payload"]["due"]) for e in due] == [(2020, "2021-10-30")]
            reminded = datetime.fromisoformat(due[0]["occurred_at"]).astimezone(UTC)
            assert datetime(2021, 10, 30, 1, 0, tzinfo=UTC) <= reminded < datetime(2021, 10, 30, 1, 1, tzinfo=UTC)

            # The 2021 report comes in before its due date: no reminder for 2021.
            await handle.signal(ListingWorkflow.report_submitted, YearlyReportSubmitted(year=2021))
            await env.sleep(timedelta(days=365))
            due = await side.events("review.yearly_report.due")
            assert [e["payload"]["year"] for e in due] == [2020]
            # ... but 2022's is missed again.
            await env.sleep(timedelta(days=365))
            assert [e["payload"]["year"] for e in await side.events("review.yearly_report.due")] == [2020, 2022]
            view = await handle.query(ListingWorkflow.view)
            assert view.status == "listed" and view.year == 2023 and 2021 in view.reports

            # Only the ministry removes; then the unit is removed once, with its reasons.
            removal = Removal(actor=Principal(role=Role.MINISTRY), reasons=[RemovalReason.DISHONEST])
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(
                    ListingWorkflow.remove,
                    Removal(actor=Principal(role=Role.PROVINCE, scope="110000"), reasons=[RemovalReason.ACCIDENT]),
                )
            assert isinstance(refused.value.cause, ApplicationError) and refused.value.cause.type == "Forbidden"
            done = await handle.execute_update(ListingWorkflow.remove, removal)
            assert done.status == "removed" and done.removal == removal
            assert (await handle.result()).status == "removed"
            await keep_history(handle, "listing-removed")
            removed = await side.events("review.unit.removed")
            assert len(removed) == 1 and removed[0]["payload"]["reasons"] == ["dishonest"]
            async with side.sessions() as session:
                row = await session.get(ListedUnit, unit.application_id)
                assert row is not None and row.status == "removed" and row.removal is not None
            # Three years of life in a few short runs, each far below the history limits.
            history = await handle.fetch_history()
            assert len(history.events) < 60
    finally:
        await env.shutdown()
