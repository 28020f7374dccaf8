"""What agency's activities record: the transitions a workflow decides (acceptance under the
cap lock, the report, the ban and its lifting), each with its fact. Keyword-only functions on
the activity's session; no commits here. Reads and the routes' own writes are in
`repository`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.agency.models import Ban, Engagement, Report
from services.agency.repository import list_reports_of
from shared.contracts.agency import (
    AgencyBanLifted,
    AgencySanctioned,
    BanLift,
    BanRecorded,
    BanStart,
    EngagementStatus,
)
from shared.contracts.application import EngagementRecord, ReportRecord
from shared.contracts.events import Facts
from shared.db import is_postgres
from shared.messaging.outbox import add_case_event, add_event

# ----------------------------------------------------------------------------- acceptance


async def lock_engagement(session: AsyncSession, *, engagement_id: str) -> Engagement | None:
    return await session.get(Engagement, engagement_id, with_for_update=True)


async def lock_cap(session: AsyncSession, *, batch: str, engagement_id: str) -> None:
    """Serialise acceptances of one batch until the transaction ends.

    One lock per batch rather than per group: groups merge when a relation is added, and
    two acceptances holding the locks of two groups about to merge would both pass the cap.
    Acceptances are few (hundreds a day at most), so a batch-wide queue costs nothing.
    """
    if is_postgres_session(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                              {"key": f"agency-cap:{batch}"})
    else:
        # SQLite has one writer at a time: writing first takes the write lock now, so the
        # count read next cannot go stale before this transaction commits.
        await session.execute(update(Engagement).where(Engagement.id == engagement_id)
                              .values(status=Engagement.status))


def is_postgres_session(session: AsyncSession) -> bool:
    bind = session.bind
    return bind is not None and is_postgres(bind)  # type: ignore[arg-type]


def mark_accepted(
    session: AsyncSession, *, engagement: Engagement, record: EngagementRecord
) -> None:
    engagement.status, engagement.decided_at = EngagementStatus.ACCEPTED, record.transition.at
    if record.independence is not None:
        engagement.agency_independence = {**record.independence.model_dump(mode="json"),
                                          "at": record.transition.at.isoformat()}
    add_case_event(
        session, record.case, record.transition,
        {"engagement_id": record.engagement_id, "agency_id": record.agency_id},
    )


# ----------------------------------------------------------------------------- reports


async def add_report(session: AsyncSession, *, record: ReportRecord) -> Report:
    engagement = await session.get(Engagement, record.report.engagement_id)
    if engagement is not None:
        engagement.status = EngagementStatus.REPORTED
    details: dict[str, Any] = record.report.details
    report = Report(
        engagement_id=record.report.engagement_id,
        application_id=record.case.application_id,
        agency_id=record.report.agency_id,
        batch=record.case.batch,
        category=record.case.category.value,
        passed=record.report.passed,
        score=record.report.score,
        summary=record.report.summary,
        details=details,
        file_sha256=str(details.get("file", {}).get("sha256", "")),
        submitted_at=record.transition.at,
    )
    session.add(report)
    await session.flush()
    add_case_event(
        session, record.case, record.transition,
        {"engagement_id": record.report.engagement_id, "report_id": report.id,
         "passed": record.report.passed, "score": record.report.score},
    )
    return report


# ----------------------------------------------------------------------------- bans


async def record_ban(session: AsyncSession, *, start: BanStart) -> BanRecorded:
    """Record the ban and flag the agency's reports of the batch; once per finding."""
    ban = await session.get(Ban, start.finding_id)
    if ban is None:
        flagged = await list_reports_of(session, agency_ids=[start.agency_id], batch=start.batch)
        await session.execute(
            update(Report).where(Report.id.in_(flagged)).values(
                flagged_for_review=True,
                flag_reason=f"agency sanctioned by finding {start.finding_id}: {start.reason}"))
        ban = Ban(finding_id=start.finding_id, agency_id=start.agency_id, batch=start.batch,
                  reason=start.reason, decided_at=start.decided_at, ends_at=start.ends_at,
                  flagged_report_ids=flagged)
        session.add(ban)
        await session.flush()
        add_event(session, Facts.AGENCY_SANCTIONED,
                  AgencySanctioned(agency_id=start.agency_id, finding_id=start.finding_id,
                                   batch=start.batch, decided_at=start.decided_at,
                                   ends_at=start.ends_at, reason=start.reason,
                                   flagged_report_ids=flagged),
                  key=f"ban:{start.finding_id}:sanctioned", occurred_at=start.decided_at)
    return BanRecorded(agency_id=ban.agency_id, finding_id=ban.finding_id, ends_at=ban.ends_at,
                       flagged_report_ids=list(ban.flagged_report_ids))


async def lift_ban(session: AsyncSession, *, lift: BanLift) -> None:
    ban = await session.get(Ban, lift.finding_id, with_for_update=True)
    if ban is None:
        # Not a refusal: the ban workflow records the ban before it waits to lift it, so none
        # means lost data. The activity keeps retrying (visible in Temporal) until the row is
        # restored, as it did before, rather than ending the ban's workflow in failure.
        raise LookupError(f"no ban for finding {lift.finding_id}")
    if ban.lifted_at is not None:
        return  # a retry after the commit
    ban.lifted_at = lift.lifted_at
    add_event(session, Facts.AGENCY_BAN_LIFTED,
              AgencyBanLifted(agency_id=lift.agency_id, finding_id=lift.finding_id,
                              lifted_at=lift.lifted_at),
              key=f"ban:{lift.finding_id}:lifted", occurred_at=lift.lifted_at)
