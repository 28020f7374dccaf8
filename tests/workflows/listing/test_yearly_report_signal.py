"""The yearly-report signal takes a model now; a signal carrying the bare year (what the review
service sent before, and what running workflows' histories hold) still decodes."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.contrib.pydantic import pydantic_data_converter

from shared.contracts.listing import ListedUnitRef, ListingState, YearlyReportSubmitted
from shared.rules.model import Category
from shared.temporal import TaskQueues, listing_workflow_id
from shared.timeskip import start_time_skipping
from tests.conftest import new_run_id
from tests.helpers.histories import keep_history
from workflows import handles
from workflows.listing.workflow import ListingWorkflow
from workflows.worker import build_worker

PUBLISHED = datetime(2020, 10, 30, 2, 0, tzinfo=UTC)


async def test_a_bare_year_decodes_as_the_model() -> None:
    converter = pydantic_data_converter.payload_converter
    [payload] = converter.to_payloads([2021])
    assert converter.from_payloads([payload], [YearlyReportSubmitted]) == [
        YearlyReportSubmitted(year=2021)
    ]
    assert YearlyReportSubmitted.model_validate({"year": 2022}).year == 2022


async def test_old_and_new_signals_reach_the_workflow() -> None:
    env = await start_time_skipping(PUBLISHED)
    queues = TaskQueues(f"{new_run_id()}-")
    unit = ListedUnitRef(
        application_id="2020-5-110000-FREPORTS", batch="2020-5", category=Category.GREEN_FACTORY,
        region="110000", name="北京示例工厂", credit_code="91350100M000100Y43",
        published_at=PUBLISHED,
    )
    try:
        async with build_worker(env.client, queues):
            await env.client.start_workflow(
                ListingWorkflow.run, ListingState(unit=unit, year=2020),
                id=listing_workflow_id(unit.application_id), task_queue=queues.workflows,
            )
            handle = handles.listing(env.client, unit.application_id)
            await handle.signal("report_submitted", 2021)  # the old payload: the year alone
            await handle.signal(ListingWorkflow.report_submitted, YearlyReportSubmitted(year=2022))
            assert (await handle.query(ListingWorkflow.view)).reports == [2021, 2022]
            await keep_history(handle, "listing-yearly-reports-bare-and-model")
    finally:
        await env.shutdown()
