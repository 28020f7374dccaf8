"""Batches: opened by the ministry under a rule set, each run by its `BatchWorkflow`."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError

from services.intake import repository
from services.intake.deps import (
    MinistryDep,
    PrincipalDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    TemporalDep,
    UnitOfWorkDep,
)
from services.intake.models import Batch
from services.intake.schemas import BatchCreate, BatchOut, BatchWarning, DeadlineIn
from shared.contracts.batch import BatchStart, BatchView, ExtendCommand, ReminderSpec
from shared.contracts.bounds import BatchCode
from shared.deps import release
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from shared.rules import RuleSet, RuleSetError
from shared.temporal import batch_workflow_id
from shared.workdays import estimated_years
from workflows import handles
from workflows.batch.workflow import BatchWorkflow

router = APIRouter(tags=["batches"])


def batch_out(batch: Batch, rule_set: RuleSet) -> BatchOut:
    return BatchOut(
        code=batch.code, rule_set=batch.rule_set, title=batch.title, created_at=batch.created_at,
        deadline=rule_set.submission_deadline_local, warnings=calendar_warnings(rule_set),
    )


def calendar_warnings(rule_set: RuleSet) -> list[BatchWarning]:
    """Reminders counted in working days of a year the installed holiday table does not have
    are planned on an estimate (fixed-date holidays only): say so, so the package is updated."""
    years = estimated_years(
        rule_set.submission_deadline, [(r.amount, r.unit) for r in rule_set.reminder_offsets]
    )
    if not years:
        return []
    listed = ", ".join(str(y) for y in years)
    return [BatchWarning(
        code="working_days_estimated",
        message=f"no official holiday table for {listed}: reminders in working days are planned "
        "on an estimate (fixed-date holidays only); update the chinese-calendar package",
        message_zh=f"未安装{listed}年的法定节假日安排：按工作日计算的提醒日期为估算"
        "（仅含固定日期节日），请更新 chinese-calendar 软件包",
    )]


@router.post("/batches", status_code=status.HTTP_201_CREATED, response_model=BatchOut)
async def create_batch(
    body: BatchCreate, _: MinistryDep, uow: UnitOfWorkDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> BatchOut:
    """Open a batch under a rule set (ministry)."""
    try:
        rule_set = rules.get(body.rule_set)
    except RuleSetError as err:
        raise ApiError(ErrorCode.INVALID, str(err), f"规则集“{body.rule_set}”不存在或无效",
                       field="rule_set") from err
    batch = await repository.add_batch(
        uow.session, code=body.code, rule_set=body.rule_set,
        title=body.title or rule_set.title_en, deadline=rule_set.submission_deadline,
    )
    try:
        await uow.commit()
    except IntegrityError as err:
        raise ApiError(ErrorCode.DUPLICATE, f"batch {body.code} exists already",
                       f"批次{body.code}已存在", field="code") from err
    await handles.start_unless_running(
        runtime.temporal, BatchWorkflow.run,
        BatchStart(
            code=batch.code, rule_set=batch.rule_set, title=batch.title,
            deadline=rule_set.submission_deadline,
            reminders=[
                ReminderSpec(amount=r.amount, unit=r.unit) for r in rule_set.reminder_offsets
            ],
            publicity_days=rule_set.publicity_days,
        ),
        id=batch_workflow_id(batch.code), task_queue=runtime.queues.workflows,
    )
    return batch_out(batch, rule_set)


@router.get("/batches", response_model=list[BatchOut])
async def list_batches(_: PrincipalDep, session: SessionDep, rules: RuleBookDep) -> list[BatchOut]:
    """Every batch, oldest first."""
    return [batch_out(b, rules.get(b.rule_set)) for b in await repository.list_batches(session)]


@router.get("/batches/{code}", response_model=BatchOut)
async def get_batch(
    code: BatchCode, _: PrincipalDep, session: SessionDep, rules: RuleBookDep
) -> BatchOut:
    """One batch."""
    batch = await repository.get_batch(session, code=code)
    if batch is None:
        raise not_found(f"batch {code}", f"批次{code}")
    return batch_out(batch, rules.get(batch.rule_set))


@router.post("/batches/{batch}/deadline", response_model=BatchView)
async def extend_deadline(
    batch: BatchCode, body: DeadlineIn, ministry: MinistryDep, session: SessionDep,
    temporal: TemporalDep,
) -> BatchView:
    """The ministry extends the package deadline; reminders move, none is sent twice."""
    if await repository.get_batch(session, code=batch) is None:
        raise not_found(f"batch {batch}", f"批次{batch}")
    await release(session)
    view: BatchView = await handles.batch(temporal, batch).execute_update(
        BatchWorkflow.extend_deadline,
        ExtendCommand(actor=ministry, deadline=body.deadline, reason=body.reason),
    )
    return view
