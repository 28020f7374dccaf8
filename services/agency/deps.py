"""Agency's dependency aliases: the shared ones, plus its report files and the engagement
the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.agency import repository
from services.agency.files import ReportFiles
from services.agency.models import Engagement
from shared.access import may_see_case
from shared.contracts.bounds import Identifier
from shared.deps import (
    AgencyDep,
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    TemporalDep,
    UnitOfWorkDep,
)
from shared.http import not_found

__all__ = [
    "AgencyDep",
    "ApplicantDep",
    "MinistryDep",
    "PrincipalDep",
    "ReportFilesDep",
    "RuleBookDep",
    "RuntimeDep",
    "SessionDep",
    "TemporalDep",
    "UnitOfWorkDep",
    "VisibleEngagement",
]


def get_report_files(request: Request) -> ReportFiles:
    files: ReportFiles = request.app.state.report_files
    return files


ReportFilesDep = Annotated[ReportFiles, Depends(get_report_files)]


async def visible_engagement(
    engagement_id: Identifier, principal: PrincipalDep, uow: UnitOfWorkDep
) -> Engagement:
    """The engagement `engagement_id` if the caller may see it: its agency, its applicant,
    the ministry and ops. Others get 404, as for one that does not exist. Loaded in the
    request's unit of work, so a route that changes it commits it with `uow.commit()`."""
    engagement = await repository.get_engagement(uow.session, engagement_id=engagement_id)
    if engagement is None or not may_see_case(
        principal, credit_code=engagement.applicant_credit_code, agency_id=engagement.agency_id
    ):
        raise not_found(f"engagement {engagement_id}", f"委托{engagement_id}")
    return engagement


VisibleEngagement = Annotated[Engagement, Depends(visible_engagement)]
