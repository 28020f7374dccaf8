"""Review's HTTP API: ministry decisions, publication, the public list, the ops view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from services.review import repository
from services.review.deps import MinistryDep, RuntimeDep, SessionDep, StaffDep
from services.review.schemas import (
    CaseStageOut,
    DecisionIn,
    HistoryItemOut,
    ListedUnitOut,
    OpsCaseOut,
    PendingActivityOut,
    PublicList,
)
from shared.contracts.application import DecisionCommand, Stage
from shared.contracts.batch import BatchView, PublishCommand
from shared.http import not_found
from shared.rules.model import Category
from shared.temporal import application_workflow_id, batch_workflow_id
from workflows.application.workflow import ApplicationWorkflow
from workflows.batch.workflow import BatchWorkflow

router = APIRouter(prefix="/api/v1", tags=["review"])


@router.post("/applications/{application_id}/decision", response_model=CaseStageOut)
async def decide(
    application_id: str, body: DecisionIn, ministry: MinistryDep, session: SessionDep,
    runtime: RuntimeDep,
) -> CaseStageOut:
    """The ministry approves or rejects (with a reason) a recommended application."""
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(application_id)
    )
    view = await handle.execute_update(
        ApplicationWorkflow.decide,
        DecisionCommand(actor=ministry, decision=body.decision, reason=body.reason),
    )
    return CaseStageOut(
        application_id=application_id, batch=view.case.batch, category=view.case.category.value,
        region=view.case.region, applicant_name=view.case.applicant_name,
        credit_code=view.case.credit_code, stage=view.stage.value, seq=view.seq,
        updated_at=view.history[-1].at,
    )


@router.get("/applications", response_model=list[CaseStageOut])
async def list_cases(
    _: StaffDep, session: SessionDep, batch: str | None = None, stage: Stage | None = None,
    region: str | None = None,
) -> list[CaseStageOut]:
    """The read model of cases (ministry, ops): filter by batch, stage, region."""
    rows = await repository.list_cases(session, batch=batch, stage=stage.value if stage else None, region=region)
    return [CaseStageOut.model_validate(r, from_attributes=True) for r in rows]


@router.post("/batches/{batch}/publication", response_model=BatchView)
async def publish(batch: str, ministry: MinistryDep, runtime: RuntimeDep) -> BatchView:
    """Publish the batch's list: every approved application becomes a listed unit."""
    handle = runtime.temporal.get_workflow_handle_for(BatchWorkflow.run, batch_workflow_id(batch))
    return await handle.execute_update(BatchWorkflow.publish, PublishCommand(actor=ministry))


@router.get("/public/list", response_model=PublicList)
async def public_list(
    session: SessionDep,
    batch: str | None = None,
    category: Category | None = None,
    region: str | None = None,
    q: Annotated[str | None, Query(description="part of the name, or the credit code")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PublicList:
    """The published Green Manufacturing List (no token needed)."""
    total, rows = await repository.public_list(
        session, batch=batch, category=category.value if category else None, region=region, q=q,
        limit=limit, offset=offset,
    )
    return PublicList(total=total, items=[ListedUnitOut.model_validate(r, from_attributes=True) for r in rows])


@router.get("/ops/applications/{application_id}", response_model=OpsCaseOut)
async def ops_case(
    application_id: str, _: StaffDep, session: SessionDep, runtime: RuntimeDep
) -> OpsCaseOut:
    """Where a case stands and why: read model, history, workflow status, stuck activities."""
    workflow_id = application_workflow_id(application_id)
    row = await repository.get_case(session, application_id=application_id)
    history = await repository.case_history(session, application_id=application_id)
    out = OpsCaseOut(
        application_id=application_id,
        workflow_id=workflow_id,
        read_model=CaseStageOut.model_validate(row, from_attributes=True) if row else None,
        history=[HistoryItemOut.model_validate(h, from_attributes=True) for h in history],
    )
    handle = runtime.temporal.get_workflow_handle_for(ApplicationWorkflow.run, workflow_id)
    try:
        desc = await handle.describe()
    except RPCError:
        if row is None:
            raise not_found(f"application {application_id}") from None
        out.problems.append("no workflow found for this application")
        return out
    out.workflow_status = desc.status.name if desc.status else None
    for pending in desc.raw_description.pending_activities:
        failure = pending.last_failure.message if pending.HasField("last_failure") else None
        out.pending_activities.append(
            PendingActivityOut(
                activity_type=pending.activity_type.name, attempt=pending.attempt,
                state=str(pending.state), last_failure=failure,
            )
        )
        out.problems.append(
            f"activity {pending.activity_type.name} is on attempt {pending.attempt}"
            + (f": {failure}" if failure else "")
        )
    if desc.status == WorkflowExecutionStatus.RUNNING:
        try:
            out.live = await handle.query(ApplicationWorkflow.view)
        except RPCError as err:
            out.problems.append(f"the workflow does not answer queries: {err.message}")
    if out.live and out.read_model and out.live.seq != out.read_model.seq:
        out.problems.append(
            f"read model at step {out.read_model.seq}, workflow at step {out.live.seq}: "
            "events are still on their way (check the outbox relays and the consumers' queues)"
        )
    return out
