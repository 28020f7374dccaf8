"""Applications: drafts by the applicant, submission with its declarations, the authority's
decision and its answers to the ministry, and the eligibility check. Each application is run
by its `ApplicationWorkflow`; its human steps are the workflow's updates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from services.intake import repository
from services.intake.deps import (
    ApplicantDep,
    PrincipalDep,
    ProvinceDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    TemporalDep,
    UnitOfWorkDep,
    VisibleApplicationDep,
)
from services.intake.eligibility import rule_problems
from services.intake.models import Application
from services.intake.schemas import (
    ApplicationDraft,
    ApplicationOut,
    InformationIn,
    RecommendationIn,
    SubmitIn,
)
from shared.contracts.application import (
    CaseView,
    EligibilityResult,
    InformationAnswer,
    RecommendationCommand,
    Stage,
    SubmitCommand,
)
from shared.contracts.auth import Role
from shared.contracts.bounds import BatchCode
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from shared.labels import category_name
from shared.rules import RuleSet
from shared.rules.model import Category
from shared.runtime import ServiceRuntime
from shared.temporal import application_workflow_id
from workflows import handles
from workflows.application.workflow import ApplicationWorkflow

router = APIRouter(tags=["applications"])

# The case's identity: the workflow and every event already carry it.
_IDENTITY_ZH = {
    "category": "申报类别",
    "credit_code": "统一社会信用代码",
    "region": "所在地区",
    "applicant_name": "申报单位名称",
}


def application_out(app: Application, stage: Stage | None = None) -> ApplicationOut:
    return ApplicationOut(
        id=app.id,
        batch=app.batch,
        category=Category(app.category),
        region=app.region,
        applicant_name=app.applicant_name,
        credit_code=app.credit_code,
        details=app.details,
        stage=stage or Stage(app.stage),
        workflow_id=application_workflow_id(app.id),
        created_at=app.created_at,
        updated_at=app.updated_at,
    )


async def _start_case(
    runtime: ServiceRuntime, app: Application, rule_set: RuleSet
) -> WorkflowHandle[ApplicationWorkflow, CaseView]:
    """Start the case's workflow unless it runs already: a draft whose start was lost
    (Temporal away when it was created) gets its workflow at the next call."""
    needs_evaluation = rule_set.requires_third_party_report.get(Category(app.category), True)
    return await handles.start_unless_running(
        runtime.temporal, ApplicationWorkflow.run, repository.case_of(app, needs_evaluation),
        id=application_workflow_id(app.id), task_queue=runtime.queues.workflows,
    )


def _check_rules(rule_set: RuleSet, body: ApplicationDraft, batch: str) -> None:
    if body.category not in rule_set.categories:
        raise ApiError(
            ErrorCode.INVALID, f"category {body.category.value} is not open in batch {batch}",
            f"批次{batch}未开放{body.category.value}类别的申报", field="category",
        )
    problems = rule_problems(rule_set, body.category, body.model_dump(mode="json"))
    if problems:
        first = problems[0]
        raise ApiError(
            ErrorCode.INVALID, first.message, first.message_zh, field=first.field,
            problems=[{"field": p.field, "message": p.message, "message_zh": p.message_zh}
                      for p in problems],
        )


@router.post(
    "/batches/{batch}/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationOut,
)
async def create_application(
    batch: BatchCode, body: ApplicationDraft, applicant: ApplicantDep, uow: UnitOfWorkDep,
    runtime: RuntimeDep, rules: RuleBookDep,
) -> ApplicationOut:
    """Create a draft application (applicant; the credit code must be the token's)."""
    if body.credit_code != applicant.scope:
        raise ApiError(ErrorCode.FORBIDDEN, "you may apply only for your own credit code",
                       "只能以本单位的统一社会信用代码申报", field="credit_code")
    found = await repository.get_batch(uow.session, code=batch)
    if found is None:
        raise not_found(f"batch {batch}", f"批次{batch}")
    rule_set = rules.get(found.rule_set)
    _check_rules(rule_set, body, batch)
    needs_evaluation = rule_set.requires_third_party_report.get(body.category, True)
    # The read gives the usual answer; the unique index settles concurrent creations (both
    # reads see nothing, one insert loses and is answered as if it had read the winner).
    await _refuse_duplicate(uow.session, batch, body)
    try:
        app = await repository.add_draft(
            uow.session, batch=batch, draft=body, needs_evaluation=needs_evaluation
        )
        await uow.commit()
    except IntegrityError:
        await uow.session.rollback()
        await _refuse_duplicate(uow.session, batch, body)
        raise
    await _start_case(runtime, app, rule_set)
    return application_out(app)


async def _refuse_duplicate(session: AsyncSession, batch: str, body: ApplicationDraft) -> None:
    existing = await repository.live_application(
        session, batch=batch, category=body.category.value, credit_code=body.credit_code)
    if existing is None:
        return
    stage = Stage(existing.stage)
    raise ApiError(
        ErrorCode.DUPLICATE,
        f"credit code {body.credit_code} already has application {existing.id} in batch "
        f"{batch} for {category_name(body.category.value, 'en')} ({stage.value}); continue "
        "that one (a new application is possible only once it is rejected)",
        f"统一社会信用代码{body.credit_code}在第{batch}批已有{category_name(body.category.value)}"
        f"申报{existing.id}（{stage.zh}），请继续办理该申报，不能重复申报（未通过后方可重新申报）",
        field="credit_code", application_id=existing.id,
    )


@router.put("/applications/{application_id}", response_model=ApplicationOut)
async def correct_application(
    body: ApplicationDraft, _: ApplicantDep, app: VisibleApplicationDep, uow: UnitOfWorkDep,
    rules: RuleBookDep,
) -> ApplicationOut:
    """Correct a draft (applicant), e.g. after the authority returned it with what to fix.
    Category, name, credit code and region are the application's identity and cannot change."""
    for field, field_zh in _IDENTITY_ZH.items():
        if str(getattr(body, field)) != getattr(app, field):
            raise ApiError(
                ErrorCode.INVALID, f"{field} cannot change; start a new application instead",
                f"{field_zh}不能修改，如需变更请重新申报", field=field,
            )
    batch = await repository.get_batch(uow.session, code=app.batch)
    assert batch is not None  # applications reference their batch
    _check_rules(rules.get(batch.rule_set), body, app.batch)
    if not await repository.correct_draft(uow.session, app=app, draft=body):
        raise ApiError(
            ErrorCode.WRONG_STAGE, f"only a draft can be corrected; it is {app.stage}",
            "只有草稿状态的申报可以修改",
        )
    await uow.commit()
    await uow.session.refresh(app)
    return application_out(app)


@router.get("/applications", response_model=list[ApplicationOut])
async def list_applications(
    principal: PrincipalDep, session: SessionDep, batch: BatchCode | None = None,
    stage: Stage | None = None,
) -> list[ApplicationOut]:
    """Applications the caller may see: the applicant's own, the authority's region's."""
    if principal.role == Role.AGENCY:
        raise ApiError(ErrorCode.FORBIDDEN, "agencies see applications through their engagements",
                       "评价机构通过其受托项目查看申报")
    apps = await repository.list_applications(
        session, batch=batch,
        region=principal.scope if principal.role == Role.PROVINCE else None,
        credit_code=principal.scope if principal.role == Role.APPLICANT else None,
        stage=stage,
    )
    return [application_out(a) for a in apps]


@router.get("/applications/{application_id}", response_model=ApplicationOut)
async def get_application(app: VisibleApplicationDep) -> ApplicationOut:
    """One application, for its applicant, its authority, the ministry and ops."""
    return application_out(app)


@router.post("/applications/{application_id}/submit", response_model=ApplicationOut)
async def submit_application(
    applicant: ApplicantDep, app: VisibleApplicationDep, uow: UnitOfWorkDep, runtime: RuntimeDep,
    rules: RuleBookDep, body: Annotated[SubmitIn | None, Body()] = None,
) -> ApplicationOut:
    """Submit a draft (applicant) with a declaration on each exclusion condition: it moves
    to third-party evaluation or to the authority, and its eligibility is checked (see
    `GET /applications/{id}/eligibility`; an ineligible application cannot be recommended)."""
    if body is None:
        raise ApiError(
            ErrorCode.INVALID,
            "declarations are required: state for each exclusion condition whether it applies",
            "缺少声明：请就每一项否决条件声明是否存在", field="declarations",
        )
    command = SubmitCommand(actor=applicant, declarations=body.declarations)
    await uow.release()  # the update's activities record the submission with connections
    try:
        view = await handles.application(runtime.temporal, app.id).execute_update(
            ApplicationWorkflow.submit, command
        )
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
        # The draft's workflow was never started (Temporal was away when the draft was made):
        # start it now, then submit.
        batch = await repository.get_batch(uow.session, code=app.batch)
        assert batch is not None  # applications reference their batch
        await uow.release()
        handle = await _start_case(runtime, app, rules.get(batch.rule_set))
        view = await handle.execute_update(ApplicationWorkflow.submit, command)
    await uow.session.refresh(app)
    return application_out(app, view.stage)


@router.post("/applications/{application_id}/recommendation", response_model=ApplicationOut)
async def recommend_application(
    body: RecommendationIn, province: ProvinceDep, app: VisibleApplicationDep,
    uow: UnitOfWorkDep, temporal: TemporalDep,
) -> ApplicationOut:
    """The authority recommends, returns (with what to fix) or rejects (with a reason)."""
    await uow.release()  # the update's activity records the decision with a connection
    view = await handles.application(temporal, app.id).execute_update(
        ApplicationWorkflow.recommend,
        RecommendationCommand(actor=province, decision=body.decision, reason=body.reason),
    )
    await uow.session.refresh(app)
    return application_out(app, view.stage)


@router.post("/applications/{application_id}/information", response_model=ApplicationOut)
async def provide_information(
    body: InformationIn, province: ProvinceDep, app: VisibleApplicationDep, uow: UnitOfWorkDep,
    temporal: TemporalDep,
) -> ApplicationOut:
    """The authority answers the ministry's request for more information."""
    await uow.release()
    view = await handles.application(temporal, app.id).execute_update(
        ApplicationWorkflow.provide_information,
        InformationAnswer(actor=province, answer=body.answer),
    )
    await uow.session.refresh(app)
    return application_out(app, view.stage)


@router.get("/applications/{application_id}/eligibility", response_model=EligibilityResult)
async def get_eligibility(app: VisibleApplicationDep, uow: UnitOfWorkDep) -> EligibilityResult:
    """The latest eligibility check with every reason and its evidence (404 before submission)."""
    result = await repository.latest_eligibility(uow.session, app=app)
    if result is None:
        raise not_found(f"eligibility check of {app.id} (not submitted yet)",
                        f"申报{app.id}的资格审查结果（尚未提交）")
    return result
