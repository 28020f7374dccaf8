"""The Schedule that starts a batch's triennial reviews, and the same start without it.

The Schedule's action and a direct start (used where Schedules do not exist, such as the
time-skipping test server, and by `greenlist simulate`) are built by one function, so both
paths start the same workflow with the same input on the same queue.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    WorkflowHandle,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from shared.chinatime import china_date
from shared.contracts.listing import ListedUnitRef, ListingState, ReReviewStart, ReReviewView
from shared.temporal import TaskQueues, listing_workflow_id, rereview_schedule_id
from workflows.listing.workflow import ListingWorkflow
from workflows.rereview.workflow import ReReviewWorkflow

# Reviews fall on the anniversary of publication, at 09:00 China time, every cycle; twenty
# cycles (sixty years) is "for as long as the list exists" without an open-ended spec.
CYCLES = 20
HOUR = 9


def rereview_action(start: ReReviewStart, queues: TaskQueues) -> ScheduleActionStartWorkflow:
    return ScheduleActionStartWorkflow(
        ReReviewWorkflow.run,
        start,
        id=rereview_schedule_id(start.batch),
        task_queue=queues.workflows,
    )


def rereview_schedule(
    start: ReReviewStart, published_at: datetime, cycle_years: int, queues: TaskQueues
) -> Schedule:
    day = china_date(published_at)
    return Schedule(
        action=rereview_action(start, queues),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    year=[
                        ScheduleRange(
                            day.year + cycle_years, day.year + cycle_years * CYCLES, cycle_years
                        )
                    ],
                    month=[ScheduleRange(day.month)],
                    day_of_month=[ScheduleRange(day.day)],
                    hour=[ScheduleRange(HOUR)],
                    minute=[ScheduleRange(0)],
                    second=[ScheduleRange(0)],
                    comment=f"triennial review of batch {start.batch}",
                )
            ],
            time_zone_name="Asia/Shanghai",
        ),
        policy=SchedulePolicy(),
    )


async def start_rereview_now(
    client: Client, start: ReReviewStart, queues: TaskQueues, at: datetime
) -> WorkflowHandle[ReReviewWorkflow, ReReviewView]:
    """Start the review exactly as the Schedule's action would at `at` (its run id suffix)."""
    action = rereview_action(start, queues)
    return await client.start_workflow(
        ReReviewWorkflow.run,
        start,
        id=f"{action.id}-{at.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        task_queue=action.task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


async def ensure_rereview_schedule(
    client: Client, queues: TaskQueues, batch: str, published_at: datetime, cycle_years: int
) -> str:
    """Create the batch's review Schedule unless it exists; return its id."""
    schedule_id = rereview_schedule_id(batch)
    try:
        await client.create_schedule(
            schedule_id,
            rereview_schedule(ReReviewStart(batch=batch), published_at, cycle_years, queues),
        )
    except ScheduleAlreadyRunningError:
        pass
    except RPCError as err:
        # The time-skipping test server has no Schedules; whoever runs on it (a simulation,
        # a test) starts each review itself with `start_rereview_now`, the same action.
        if err.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        return ""
    return schedule_id


async def start_listings(
    client: Client, queues: TaskQueues, units: list[ListedUnitRef], concurrency: int = 100
) -> None:
    """Start (or find running) the ListingWorkflow of each unit, a bounded number at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(unit: ListedUnitRef) -> None:
        async with gate:
            try:
                await client.start_workflow(
                    ListingWorkflow.run,
                    ListingState(unit=unit, year=china_date(unit.published_at).year),
                    id=listing_workflow_id(unit.application_id),
                    task_queue=queues.workflows,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
            except WorkflowAlreadyStartedError:
                pass

    await asyncio.gather(*(one(u) for u in units))
