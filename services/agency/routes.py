"""Agency's HTTP API: registry, engagements, acceptance and reports."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError

from services.agency import repository
from services.agency.deps import AgencyDep, ApplicantDep, PrincipalDep, RuntimeDep, SessionDep
from services.agency.models import Engagement
from services.agency.schemas import (
    AcceptanceIn,
    AgencyCreate,
    AgencyOut,
    EngagementCreate,
    EngagementOut,
    ReportIn,
)
from shared.contracts.application import AcceptEngagementCommand, ReportCommand, Stage
from shared.contracts.auth import Principal, Role
from shared.http import ApiError, not_found
from shared.temporal import application_workflow_id
from workflows.application.workflow import ApplicationWorkflow

router = APIRouter(prefix="/api/v1", tags=["agency"])


def _out(engagement: Engagement) -> EngagementOut:
    return EngagementOut.model_validate(engagement, from_attributes=True)


def can_see(principal: Principal, engagement: Engagement) -> bool:
    if principal.role in (Role.MINISTRY, Role.OPS):
        return True
    if principal.role == Role.AGENCY:
        return principal.scope == engagement.agency_id
    if principal.role == Role.APPLICANT:
        return principal.scope == engagement.applicant_credit_code
    return False


async def _visible(session: SessionDep, principal: Principal, engagement_id: str) -> Engagement:
    engagement = await repository.get_engagement(session, engagement_id=engagement_id)
    if engagement is None or not can_see(principal, engagement):
        raise not_found(f"engagement {engagement_id}")
    return engagement


@router.post("/agencies", status_code=status.HTTP_201_CREATED, response_model=AgencyOut)
async def register_agency(
    body: AgencyCreate, principal: PrincipalDep, session: SessionDep, runtime: RuntimeDep
) -> AgencyOut:
    """Register an agency (the agency itself, whose token scope is its credit code, or the ministry)."""
    if not (principal.role == Role.MINISTRY or (principal.role == Role.AGENCY and principal.scope == body.credit_code)):
        raise ApiError(403, "Forbidden", "an agency registers itself under its own credit code",
                       field="credit_code")
    agency = await repository.add_agency(session, body=body)
    try:
        await session.commit()
    except IntegrityError as err:
        raise ApiError(409, "Duplicate", f"agency {body.credit_code} is registered already",
                       field="credit_code") from err
    runtime.events_committed()
    return AgencyOut.model_validate(agency, from_attributes=True)


@router.get("/agencies/{agency_id}", response_model=AgencyOut)
async def get_agency(agency_id: str, _: PrincipalDep, session: SessionDep) -> AgencyOut:
    """One registered agency."""
    agency = await repository.get_agency(session, agency_id=agency_id)
    if agency is None:
        raise not_found(f"agency {agency_id}")
    return AgencyOut.model_validate(agency, from_attributes=True)


@router.post("/engagements", status_code=status.HTTP_201_CREATED, response_model=EngagementOut)
async def entrust(
    body: EngagementCreate, applicant: ApplicantDep, session: SessionDep, runtime: RuntimeDep
) -> EngagementOut:
    """The applicant entrusts a registered agency with the evaluation of its application."""
    if await repository.get_agency(session, agency_id=body.agency_id) is None:
        raise ApiError(404, "NotFound", f"agency {body.agency_id} is not registered", field="agency_id")
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(body.application_id)
    )
    # The case's workflow is the authority on its stage and its applicant.
    view = await handle.query(ApplicationWorkflow.view)
    if view.case.credit_code != applicant.scope:
        raise not_found(f"application {body.application_id}")
    if view.stage != Stage.EVALUATION:
        raise ApiError(409, "WrongStage",
                       f"application {body.application_id} is in stage {view.stage.value}, "
                       "not awaiting third-party evaluation")
    engagement = await repository.add_engagement(session, case=view.case, agency_id=body.agency_id)
    await session.commit()
    runtime.events_committed()
    return _out(engagement)


@router.get("/engagements", response_model=list[EngagementOut])
async def list_engagements(principal: PrincipalDep, session: SessionDep) -> list[EngagementOut]:
    """The caller's engagements: an agency's own, an applicant's own, all for the ministry."""
    if principal.role == Role.PROVINCE:
        raise ApiError(403, "Forbidden", "authorities see applications in intake")
    rows = await repository.list_engagements(
        session,
        agency_id=principal.scope if principal.role == Role.AGENCY else None,
        applicant=principal.scope if principal.role == Role.APPLICANT else None,
    )
    return [_out(e) for e in rows]


@router.get("/engagements/{engagement_id}", response_model=EngagementOut)
async def get_engagement(engagement_id: str, principal: PrincipalDep, session: SessionDep) -> EngagementOut:
    """One engagement, for its agency, its applicant, the ministry and ops."""
    return _out(await _visible(session, principal, engagement_id))


@router.post("/engagements/{engagement_id}/acceptance", response_model=EngagementOut)
async def accept(
    engagement_id: str, body: AcceptanceIn, agency: AgencyDep, session: SessionDep, runtime: RuntimeDep
) -> EngagementOut:
    """The agency accepts (the case moves on under this engagement) or declines."""
    engagement = await _visible(session, agency, engagement_id)
    if engagement.status != "requested":
        raise ApiError(409, "Duplicate", f"engagement {engagement_id} is {engagement.status} already")
    if not body.accept:
        await repository.decline(session, engagement=engagement, note=body.note)
        await session.commit()
        runtime.events_committed()
        return _out(engagement)
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(engagement.application_id)
    )
    await handle.execute_update(
        ApplicationWorkflow.accept_engagement,
        AcceptEngagementCommand(actor=agency, engagement_id=engagement.id, agency_id=engagement.agency_id),
    )
    await session.refresh(engagement)
    return _out(engagement)


@router.post("/engagements/{engagement_id}/report", response_model=EngagementOut)
async def submit_report(
    engagement_id: str, body: ReportIn, agency: AgencyDep, session: SessionDep, runtime: RuntimeDep
) -> EngagementOut:
    """The agency submits its evaluation report; the case moves to the authority."""
    engagement = await _visible(session, agency, engagement_id)
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(engagement.application_id)
    )
    await handle.execute_update(
        ApplicationWorkflow.submit_report,
        ReportCommand(
            actor=agency,
            engagement_id=engagement.id,
            agency_id=engagement.agency_id,
            passed=body.passed,
            score=body.score,
            summary=body.summary,
            details=body.details,
        ),
    )
    await session.refresh(engagement)
    return _out(engagement)
