"""Agency's data access."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.agency.models import Agency, Engagement, Report
from services.agency.schemas import AgencyCreate, EngagementOut
from shared.contracts.application import ApplicationCase, EngagementRecord, ReportRecord
from shared.contracts.events import Facts
from shared.db import utcnow
from shared.messaging.outbox import add_case_event, add_event


async def get_agency(session: AsyncSession, *, agency_id: str) -> Agency | None:
    return await session.get(Agency, agency_id)


async def add_agency(session: AsyncSession, *, body: AgencyCreate) -> Agency:
    agency = Agency(id=body.credit_code, name=body.name, profile=body.profile)
    session.add(agency)
    await session.flush()
    add_event(session, Facts.AGENCY_REGISTERED, body, key=f"agency:{agency.id}")
    return agency


async def get_engagement(session: AsyncSession, *, engagement_id: str) -> Engagement | None:
    return await session.get(Engagement, engagement_id)


async def list_engagements(
    session: AsyncSession, *, agency_id: str | None = None, applicant: str | None = None
) -> Sequence[Engagement]:
    query = select(Engagement).order_by(Engagement.requested_at)
    if agency_id:
        query = query.where(Engagement.agency_id == agency_id)
    if applicant:
        query = query.where(Engagement.applicant_credit_code == applicant)
    return (await session.scalars(query)).all()


async def add_engagement(session: AsyncSession, *, case: ApplicationCase, agency_id: str) -> Engagement:
    engagement = Engagement(
        id=uuid.uuid4().hex,
        application_id=case.application_id,
        batch=case.batch,
        category=case.category.value,
        applicant_credit_code=case.credit_code,
        agency_id=agency_id,
    )
    session.add(engagement)
    await session.flush()
    add_event(
        session,
        Facts.ENGAGEMENT_REQUESTED,
        EngagementOut.model_validate(engagement, from_attributes=True),
        key=f"engagement:{engagement.id}:requested",
    )
    return engagement


async def decline(session: AsyncSession, *, engagement: Engagement, note: str) -> None:
    engagement.status, engagement.note, engagement.decided_at = "declined", note, utcnow()
    await session.flush()
    add_event(
        session,
        Facts.ENGAGEMENT_DECLINED,
        EngagementOut.model_validate(engagement, from_attributes=True),
        key=f"engagement:{engagement.id}:declined",
    )


async def record_acceptance(session: AsyncSession, *, record: EngagementRecord) -> None:
    engagement = await session.get(Engagement, record.engagement_id, with_for_update=True)
    if engagement is None:
        raise LookupError(f"engagement {record.engagement_id} not found")
    if engagement.status == "accepted":
        return  # a retry after the commit
    engagement.status, engagement.decided_at = "accepted", record.transition.at
    add_case_event(
        session, record.case, record.transition,
        {"engagement_id": record.engagement_id, "agency_id": record.agency_id},
    )


async def record_report(session: AsyncSession, *, record: ReportRecord) -> None:
    existing = await session.scalar(
        select(Report.id).where(Report.engagement_id == record.report.engagement_id)
    )
    if existing is not None:
        return
    engagement = await session.get(Engagement, record.report.engagement_id)
    if engagement is not None:
        engagement.status = "reported"
    session.add(
        Report(
            engagement_id=record.report.engagement_id,
            application_id=record.case.application_id,
            agency_id=record.report.agency_id,
            passed=record.report.passed,
            score=record.report.score,
            summary=record.report.summary,
            details=record.report.details,
            submitted_at=record.transition.at,
        )
    )
    add_case_event(
        session, record.case, record.transition,
        {"engagement_id": record.report.engagement_id, "passed": record.report.passed,
         "score": record.report.score},
    )
