"""A unit on a published list: what anyone may read of it, its yearly reports, its removal."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.exc import IntegrityError

from services.review.deps import ApplicantDep, MinistryDep, SessionDep, TemporalDep, UnitOfWorkDep
from services.review.models import ListedUnit, YearlyReport
from services.review.repository import triennial, triennial_records
from services.review.schemas import ListedUnitOut, RemovalIn, YearlyReportIn
from shared.contracts.bounds import Identifier
from shared.contracts.listing import ListingView, Removal, YearlyReportOut, YearlyReportSubmitted
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from workflows import handles
from workflows.listing.workflow import ListingWorkflow

router = APIRouter(tags=["listed units"])


def listed_unit_out(unit: ListedUnit, report: YearlyReport | None = None) -> ListedUnitOut:
    out = ListedUnitOut.model_validate(unit, from_attributes=True)
    if report is not None:
        out.yearly_report = YearlyReportOut.model_validate(report, from_attributes=True)
    return out


def _not_listed(application_id: str) -> ApiError:
    return not_found(f"listed unit {application_id}", f"名单单位{application_id}")


@router.get("/listed-units/{application_id}", response_model=ListedUnitOut)
async def get_listed_unit(application_id: Identifier, session: SessionDep) -> ListedUnitOut:
    """One unit of a published list, with its latest yearly report (no token needed)."""
    unit = await triennial.get_listed_unit(session, application_id=application_id)
    if unit is None:
        raise _not_listed(application_id)
    reports = await triennial.latest_reports(session, application_ids=[application_id])
    return listed_unit_out(unit, reports.get(application_id))


@router.post("/listed-units/{application_id}/removal", response_model=ListingView)
async def remove_unit(
    application_id: Identifier, body: RemovalIn, ministry: MinistryDep, temporal: TemporalDep
) -> ListingView:
    """The ministry removes a unit that no longer qualifies, with the notice's reasons."""
    return await handles.listing(temporal, application_id).execute_update(
        ListingWorkflow.remove, Removal(actor=ministry, reasons=body.reasons, note=body.note)
    )


@router.post(
    "/listed-units/{application_id}/yearly-reports", status_code=201, response_model=YearlyReportOut
)
async def submit_yearly_report(
    application_id: Identifier, body: YearlyReportIn, applicant: ApplicantDep, uow: UnitOfWorkDep,
    temporal: TemporalDep,
) -> YearlyReportOut:
    """A listed unit publishes its yearly green and low-carbon development report (a link)."""
    unit = await triennial.get_listed_unit(uow.session, application_id=application_id)
    if unit is None or unit.credit_code != applicant.scope:
        raise _not_listed(application_id)
    if unit.status == "removed":
        raise ApiError(ErrorCode.WRONG_STAGE, f"{unit.name} is no longer on the list",
                       f"{unit.name}已被撤销，不在名单中，不能提交年度报告")
    try:
        report = await triennial_records.add_yearly_report(
            uow.session, application_id=application_id, year=body.year, url=body.url,
            summary=body.summary,
        )
        await uow.commit()
    except IntegrityError as err:
        raise ApiError(
            ErrorCode.DUPLICATE, f"the report for {body.year} is in already",
            f"{body.year}年度报告已提交，不能重复提交", field="year",
        ) from err
    await handles.listing(temporal, application_id).signal(
        ListingWorkflow.report_submitted, YearlyReportSubmitted(year=body.year)
    )
    return YearlyReportOut.model_validate(report, from_attributes=True)
