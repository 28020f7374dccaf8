"""The entrust update on a running case (time-skipping server, owning services' activities
stubbed: this is about the workflow's answer, not what the services record)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from shared.contracts.application import (
    AcceptEngagementCommand,
    ApplicationCase,
    CaseView,
    EngagementRecord,
    EntrustCommand,
    Stage,
    SubmissionRecord,
    SubmitCommand,
)
from shared.contracts.auth import Principal, Role
from shared.rules.model import Category
from shared.temporal import Activities, TaskQueues
from shared.timeskip import start_time_skipping
from tests.conftest import new_run_id
from tests.helpers.histories import keep_history
from workflows import handles
from workflows.application.workflow import ApplicationWorkflow
from workflows.worker import build_worker

CASE = ApplicationCase(
    application_id="2020-5-110000-FENTRUST", batch="2020-5", category=Category.GREEN_FACTORY,
    region="110000", applicant_name="北京示例工厂", credit_code="91350100M000100Y43",
)
APPLICANT = Principal(role=Role.APPLICANT, scope=CASE.credit_code)
AGENCY = Principal(role=Role.AGENCY, scope="ag1")


@activity.defn(name=Activities.INTAKE_RECORD_SUBMISSION)
async def record_submission(record: SubmissionRecord) -> None:
    return None


@activity.defn(name=Activities.AGENCY_RECORD_ACCEPTANCE)
async def record_acceptance(record: EngagementRecord) -> None:
    return None


async def refusal_of(handle: WorkflowHandle[ApplicationWorkflow, CaseView],
                     cmd: EntrustCommand) -> dict[str, object]:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(ApplicationWorkflow.entrust, cmd)
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    body: dict[str, object] = cause.details[0]
    assert body["code"] == cause.type
    return body


async def test_entrust_validates_and_answers_the_case() -> None:
    env = await start_time_skipping(datetime(2020, 6, 1, tzinfo=UTC))
    queues = TaskQueues(f"{new_run_id()}-")
    try:
        async with (
            build_worker(env.client, queues),
            Worker(env.client, task_queue=queues.intake, activities=[record_submission]),
            Worker(env.client, task_queue=queues.agency, activities=[record_acceptance]),
        ):
            await env.client.start_workflow(
                ApplicationWorkflow.run, CASE, id=f"application:{CASE.application_id}",
                task_queue=queues.workflows,
            )
            handle = handles.application(env.client, CASE.application_id)
            entrust = EntrustCommand(actor=APPLICANT, agency_id="ag1")

            body = await refusal_of(handle, entrust)
            assert body["code"] == "WrongStage"
            assert body["message_zh"] == "申报处于“草稿”阶段，不能委托评价机构"

            await handle.execute_update(ApplicationWorkflow.submit, SubmitCommand(actor=APPLICANT))
            body = await refusal_of(handle, EntrustCommand(
                actor=Principal(role=Role.APPLICANT, scope="91110000MA00000000"), agency_id="ag1"))
            assert body["code"] == "NotFound"

            view = await handle.execute_update(ApplicationWorkflow.entrust, entrust)
            assert view.stage == Stage.EVALUATION and view.case == CASE and view.engagement_id is None

            await handle.execute_update(ApplicationWorkflow.accept_engagement, AcceptEngagementCommand(
                actor=AGENCY, engagement_id="e1", agency_id="ag1"))
            body = await refusal_of(handle, entrust)
            assert body["code"] == "Duplicate"
            assert body["message_zh"] == "评价机构ag1已接受委托（e1），不能重复委托"
            await keep_history(handle, "application-entrusted")
    finally:
        await env.shutdown()
