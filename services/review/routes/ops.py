"""What ministry and ops staff read to see where every case stands and why, and the batches'
triennial-review Schedules they may pause, unpause or trigger."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from temporalio.client import ScheduleActionStartWorkflow, ScheduleHandle, WorkflowExecutionStatus
from temporalio.service import RPCError

from services.review.deps import SessionDep, StaffDep, TemporalDep
from services.review.repository import read_model
from services.review.schemas import (
    CaseStageOut,
    HistoryItemOut,
    OpsCaseOut,
    PendingActivityOut,
    ScheduleOut,
)
from shared.contracts.application import Stage
from shared.contracts.bounds import BatchCode, Identifier
from shared.deps import release
from shared.http import not_found
from shared.temporal import application_workflow_id, rereview_schedule_id
from workflows import handles
from workflows.application.workflow import ApplicationWorkflow

router = APIRouter(tags=["ops"])


@router.get("/applications", response_model=list[CaseStageOut])
async def list_cases(
    _: StaffDep, session: SessionDep, batch: BatchCode | None = None,
    stage: Stage | None = None, region: Identifier | None = None,
) -> list[CaseStageOut]:
    """The read model of cases (ministry, ops): filter by batch, stage, region."""
    rows = await read_model.list_cases(
        session, batch=batch, stage=stage.value if stage else None, region=region
    )
    return [CaseStageOut.model_validate(r, from_attributes=True) for r in rows]


@router.get("/ops/applications/{application_id}", response_model=OpsCaseOut)
async def ops_case(
    application_id: Identifier, _: StaffDep, session: SessionDep, temporal: TemporalDep
) -> OpsCaseOut:
    """Where a case stands and why: read model, history, workflow status, stuck activities."""
    row = await read_model.get_case(session, application_id=application_id)
    history = await read_model.case_history(session, application_id=application_id)
    out = OpsCaseOut(
        application_id=application_id,
        workflow_id=application_workflow_id(application_id),
        read_model=CaseStageOut.model_validate(row, from_attributes=True) if row else None,
        history=[HistoryItemOut.model_validate(h, from_attributes=True) for h in history],
    )
    await release(session)
    handle = handles.application(temporal, application_id)
    try:
        desc = await handle.describe()
    except RPCError:
        if row is None:
            raise not_found(f"application {application_id}", f"申报{application_id}") from None
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


# ----------------------------------------------------------------- triennial-review Schedules


@router.get("/ops/schedules/{batch}", response_model=ScheduleOut)
async def describe_schedule(batch: BatchCode, _: StaffDep, temporal: TemporalDep) -> ScheduleOut:
    """The batch's triennial-review Schedule: its next runs (China time) and whether paused."""
    return await _schedule_out(temporal.get_schedule_handle(rereview_schedule_id(batch)))


@router.post("/ops/schedules/{batch}/{action}", response_model=ScheduleOut)
async def act_on_schedule(
    batch: BatchCode, action: Literal["pause", "unpause", "trigger"], ops: StaffDep,
    temporal: TemporalDep,
) -> ScheduleOut:
    """Pause, unpause or trigger (start a review now) the batch's Schedule."""
    handle = temporal.get_schedule_handle(rereview_schedule_id(batch))
    if action == "pause":
        await handle.pause(note=f"paused by {ops.label()}")
    elif action == "unpause":
        await handle.unpause(note=f"unpaused by {ops.label()}")
    else:
        await handle.trigger()
    return await _schedule_out(handle)


async def _schedule_out(handle: ScheduleHandle) -> ScheduleOut:
    desc = await handle.describe()
    action = desc.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    return ScheduleOut(
        id=desc.id, paused=desc.schedule.state.paused, note=desc.schedule.state.note,
        time_zone=desc.schedule.spec.time_zone_name,
        next_action_times=list(desc.info.next_action_times),
        recent_actions=[a.scheduled_at for a in desc.info.recent_actions],
        workflow_type=action.workflow, workflow_id=action.id,
    )
