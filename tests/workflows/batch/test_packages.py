"""BatchWorkflow.submit_package in isolation (intake's activity replaced): on time once,
refused after the deadline by workflow time, duplicates and other actors refused.

The batch's search attributes exist only on the dev server (the time-skipping server cannot
register them), so this runs in real time with a deadline two seconds away."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from shared.contracts.auth import Principal, Role
from shared.contracts.batch import BatchStart, PackageCommand, PackageRecord, PackageSubmitted
from shared.temporal import Activities, TaskQueues
from workflows.batch.workflow import BatchWorkflow

recorded: list[PackageRecord] = []


@activity.defn(name=Activities.INTAKE_RECORD_PACKAGE)
async def record_package(record: PackageRecord) -> PackageSubmitted:
    recorded.append(record)
    return PackageSubmitted(batch=record.batch, region=record.region, submitted_at=record.at,
                            submitted_by=record.actor.label())


def refusal(err: pytest.ExceptionInfo[WorkflowUpdateFailedError]) -> ApplicationError:
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


async def until(moment: datetime) -> None:
    """Polling helper: return once the wall clock has passed `moment`."""
    while datetime.now(UTC) <= moment:
        await asyncio.sleep(0.05)


async def test_packages_before_the_deadline_once_then_late(dev_env: WorkflowEnvironment) -> None:
    queues = TaskQueues(f"t{uuid.uuid4().hex[:8]}-")
    client = dev_env.client
    deadline = datetime.now(UTC) + timedelta(seconds=2)
    async with (
        Worker(client, task_queue=queues.workflows, workflows=[BatchWorkflow]),
        Worker(client, task_queue=queues.intake, activities=[record_package]),
    ):
        handle = await client.start_workflow(
            BatchWorkflow.run, BatchStart(code="9999-1", rule_set="2020-5", deadline=deadline),
            id=f"batch:{uuid.uuid4()}", task_queue=queues.workflows,
        )
        beijing = PackageCommand(actor=Principal(role=Role.PROVINCE, scope="110000"))
        package = await handle.execute_update(BatchWorkflow.submit_package, beijing)
        assert package.region == "110000" and recorded[-1].batch == "9999-1"

        with pytest.raises(WorkflowUpdateFailedError) as dup:
            await handle.execute_update(BatchWorkflow.submit_package, beijing)
        assert refusal(dup).type == "Duplicate"
        with pytest.raises(WorkflowUpdateFailedError) as wrong:
            await handle.execute_update(
                BatchWorkflow.submit_package, PackageCommand(actor=Principal(role=Role.MINISTRY))
            )
        assert refusal(wrong).type == "Forbidden"

        await until(deadline)
        with pytest.raises(WorkflowUpdateFailedError) as late:
            await handle.execute_update(
                BatchWorkflow.submit_package,
                PackageCommand(actor=Principal(role=Role.PROVINCE, scope="310000")),
            )
        assert refusal(late).type == "DeadlinePassed"
        assert "(Asia/Shanghai)" in refusal(late).message
        view = await handle.query(BatchWorkflow.view)
        assert view.packages == ["110000"] and view.deadline == deadline
        await handle.terminate("test over")
