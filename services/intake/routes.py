"""Intake's HTTP API: batches, applications, submission and recommendation."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from services.intake import repository
from services.intake.deps import (
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
)
from services.intake.models import Application
from services.intake.schemas import (
    ApplicationDraft,
    ApplicationOut,
    BatchCreate,
    BatchOut,
    RecommendationIn,
)
from shared.contracts.application import (
    CaseView,
    RecommendationCommand,
    Stage,
    SubmitCommand,
)
from shared.contracts.auth import Principal, Role
from shared.contracts.batch import BatchStart
from shared.http import ApiError, not_found
from shared.rules import RuleSetError
from shared.rules.model import Category
from shared.temporal import TaskQueues, application_workflow_id, batch_workflow_id
from workflows.application.workflow import ApplicationWorkflow
from workflows.batch.workflow import BatchWorkflow

router = APIRouter(prefix="/api/v1", tags=["intake"])


def _out(app: Application, stage: Stage | None = None) -> ApplicationOut:
    return ApplicationOut(
        id=app.id,
        batch=app.batch,
        category=app.category,  # type: ignore[arg-type]
        region=app.region,
        applicant_name=app.applicant_name,
        credit_code=app.credit_code,
        details=app.details,
        stage=stage or Stage(app.stage),
        workflow_id=application_workflow_id(app.id),
        created_at=app.created_at,
        updated_at=app.updated_at,
    )


def can_see(principal: Principal, app: Application) -> bool:
    """Who may see an application; others get 404 so existence does not leak."""
    if principal.role in (Role.MINISTRY, Role.OPS):
        return True
    if principal.role == Role.APPLICANT:
        return principal.scope == app.credit_code
    if principal.role == Role.PROVINCE:
        return principal.scope == app.region
    return False


async def _visible(session: SessionDep, principal: Principal, application_id: str) -> Application:
    app = await repository.get_application(session, application_id=application_id)
    if app is None or not can_see(principal, app):
        raise not_found(f"application {application_id}")
    return app


async def ensure_workflow(
    client: Client, queues: TaskQueues, app: Application, needs_evaluation: bool
) -> WorkflowHandle[ApplicationWorkflow, CaseView]:
    """Start the case's workflow unless it runs already; a draft whose start was lost
    (Temporal away when it was created) gets its workflow at the next call."""
    try:
        return await client.start_workflow(
            ApplicationWorkflow.run,
            repository.case_of(app, needs_evaluation),
            id=application_workflow_id(app.id),
            task_queue=queues.workflows,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle_for(ApplicationWorkflow.run, application_workflow_id(app.id))


@router.post("/batches", status_code=status.HTTP_201_CREATED, response_model=BatchOut)
async def create_batch(
    body: BatchCreate, ministry: MinistryDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> BatchOut:
    """Open a batch under a rule set (ministry)."""
    try:
        rule_set = rules.get(body.rule_set)
    except RuleSetError as err:
        raise ApiError(422, "Invalid", str(err), field="rule_set") from err
    batch = await repository.add_batch(
        session, code=body.code, rule_set=body.rule_set, title=body.title or rule_set.title_en
    )
    try:
        await session.commit()
    except IntegrityError as err:
        raise ApiError(409, "Duplicate", f"batch {body.code} exists already", field="code") from err
    try:
        await runtime.temporal.start_workflow(
            BatchWorkflow.run,
            BatchStart(code=batch.code, rule_set=batch.rule_set, title=batch.title),
            id=batch_workflow_id(batch.code),
            task_queue=runtime.queues.workflows,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        pass
    return BatchOut.model_validate(batch, from_attributes=True)


@router.get("/batches/{code}", response_model=BatchOut)
async def get_batch(code: str, _: PrincipalDep, session: SessionDep) -> BatchOut:
    """One batch."""
    batch = await repository.get_batch(session, code=code)
    if batch is None:
        raise not_found(f"batch {code}")
    return BatchOut.model_validate(batch, from_attributes=True)


@router.post(
    "/batches/{batch}/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationOut,
)
async def create_application(
    batch: str, body: ApplicationDraft, applicant: ApplicantDep, session: SessionDep,
    runtime: RuntimeDep, rules: RuleBookDep,
) -> ApplicationOut:
    """Create a draft application (applicant; the credit code must be the token's)."""
    if body.credit_code != applicant.scope:
        raise ApiError(403, "Forbidden", "you may apply only for your own credit code",
                       field="credit_code")
    found = await repository.get_batch(session, code=batch)
    if found is None:
        raise not_found(f"batch {batch}")
    rule_set = rules.get(found.rule_set)
    if body.category not in rule_set.categories:
        raise ApiError(422, "Invalid", f"category {body.category.value} is not open in batch {batch}",
                       field="category")
    needs_evaluation = rule_set.requires_third_party_report.get(body.category, True)
    app = await repository.add_draft(
        session, batch=batch, draft=body, needs_evaluation=needs_evaluation
    )
    await session.commit()
    runtime.events_committed()
    await ensure_workflow(runtime.temporal, runtime.queues, app, needs_evaluation)
    return _out(app)


@router.get("/applications", response_model=list[ApplicationOut])
async def list_applications(
    principal: PrincipalDep, session: SessionDep, batch: str | None = None,
    stage: Stage | None = None,
) -> list[ApplicationOut]:
    """Applications the caller may see: the applicant's own, the authority's region's."""
    region = principal.scope if principal.role == Role.PROVINCE else None
    credit = principal.scope if principal.role == Role.APPLICANT else None
    if principal.role == Role.AGENCY:
        raise ApiError(403, "Forbidden", "agencies see applications through their engagements")
    apps = await repository.list_applications(
        session, batch=batch, region=region, credit_code=credit, stage=stage.value if stage else None
    )
    return [_out(a) for a in apps]


@router.get("/applications/{application_id}", response_model=ApplicationOut)
async def get_application(
    application_id: str, principal: PrincipalDep, session: SessionDep
) -> ApplicationOut:
    """One application, for its applicant, its authority, the ministry and ops."""
    return _out(await _visible(session, principal, application_id))


@router.post("/applications/{application_id}/submit", response_model=ApplicationOut)
async def submit_application(
    application_id: str, applicant: ApplicantDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> ApplicationOut:
    """Submit a draft (applicant): it moves to third-party evaluation or to the authority."""
    app = await _visible(session, applicant, application_id)
    batch = await repository.get_batch(session, code=app.batch)
    assert batch is not None  # applications reference their batch
    needs = rules.get(batch.rule_set).requires_third_party_report.get(Category(app.category), True)
    handle = await ensure_workflow(runtime.temporal, runtime.queues, app, needs)
    view = await handle.execute_update(ApplicationWorkflow.submit, SubmitCommand(actor=applicant))
    await session.refresh(app)
    return _out(app, view.stage)


@router.post("/applications/{application_id}/recommendation", response_model=ApplicationOut)
async def recommend_application(
    application_id: str, body: RecommendationIn, province: ProvinceDep, session: SessionDep,
    runtime: RuntimeDep,
) -> ApplicationOut:
    """The authority recommends, returns (with what to fix) or rejects (with a reason)."""
    app = await _visible(session, province, application_id)
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(app.id)
    )
    view = await handle.execute_update(
        ApplicationWorkflow.recommend,
        RecommendationCommand(actor=province, decision=body.decision, reason=body.reason),
    )
    await session.refresh(app)
    return _out(app, view.stage)
