"""Objections during publicity as updates (time-skipped, the review service's activities): the
batch's workflow admits them only in its publicity period, lets only the ministry resolve each
open one once, and publishes when none is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from shared.contracts.auth import Principal, Role
from shared.contracts.batch import (
    BatchStage,
    BatchStart,
    BatchView,
    LodgeObjectionCommand,
    PublicityCommand,
    PublishCommand,
    ResolveObjectionCommand,
)
from shared.temporal import batch_workflow_id
from shared.timeskip import start_time_skipping
from tests.helpers.histories import keep_history
from tests.helpers.services_side import review_side
from workflows import handles
from workflows.batch.workflow import BatchWorkflow

MINISTRY = Principal(role=Role.MINISTRY)


async def refused(handle: WorkflowHandle[BatchWorkflow, BatchView], update: Any, cmd: Any) -> dict[str, Any]:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(update, cmd)
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    body: dict[str, Any] = cause.details[0]
    assert body["code"] == cause.type and body["message_zh"]
    return body


async def test_objections_are_updates(tmp_path: Path) -> None:
    env = await start_time_skipping(datetime(2020, 7, 1, tzinfo=UTC))
    try:
        async with review_side(env, tmp_path) as side:
            await env.client.start_workflow(
                BatchWorkflow.run, BatchStart(code="2020-5", rule_set="2020-5", publicity_days=7),
                id=batch_workflow_id("2020-5"), task_queue=side.queues.workflows,
            )
            handle = handles.batch(env.client, "2020-5")
            lodge = LodgeObjectionCommand(objection_id=1, application_id="2020-5-110000-FAAAAAA")

            body = await refused(handle, BatchWorkflow.lodge_objection, lodge)
            assert body["code"] == "WrongStage" and body["stage"] == "reviewing"
            assert body["message_zh"] == "批次2020-5不在公示期内（“审核中”阶段），不能提出异议"

            await handle.execute_update(BatchWorkflow.start_publicity, PublicityCommand(actor=MINISTRY))
            view = await handle.execute_update(BatchWorkflow.lodge_objection, lodge)
            assert view.stage == BatchStage.PUBLICITY and view.open_objections == [1]
            body = await refused(handle, BatchWorkflow.lodge_objection, lodge)
            assert body["code"] == "Duplicate"

            resolve = ResolveObjectionCommand(actor=MINISTRY, objection_id=1, upheld=True)
            body = await refused(handle, BatchWorkflow.resolve_objection, resolve.model_copy(
                update={"actor": Principal(role=Role.PROVINCE, scope="110000")}))
            assert body["code"] == "Forbidden" and body["message_zh"] == "只有工业和信息化部可以处理异议"
            body = await refused(handle, BatchWorkflow.resolve_objection,
                                 resolve.model_copy(update={"objection_id": 2}))
            assert body["code"] == "NotFound"

            # Publicity ends with the objection open: the list waits for its resolution.
            await env.sleep(timedelta(days=8))
            body = await refused(handle, BatchWorkflow.publish, PublishCommand(actor=MINISTRY))
            assert body["code"] == "WrongStage" and body["objections"] == [1]
            body = await refused(handle, BatchWorkflow.lodge_objection,
                                 lodge.model_copy(update={"objection_id": 3}))
            assert body["code"] == "WrongStage" and body["stage"] == "publicity_closed"

            view = await handle.execute_update(BatchWorkflow.resolve_objection, resolve)
            assert view.open_objections == [] and view.stage == BatchStage.PUBLICITY_CLOSED
            body = await refused(handle, BatchWorkflow.resolve_objection, resolve)
            assert body["code"] == "Duplicate" and body["message_zh"] == "异议1已处理，不能重复处理"

            published = await handle.execute_update(BatchWorkflow.publish, PublishCommand(actor=MINISTRY))
            assert published.stage == BatchStage.PUBLISHED
            assert (await handle.result()).stage == "published"  # the same JSON as before
            await keep_history(handle, "batch-objection-updates-published")
    finally:
        await env.shutdown()
