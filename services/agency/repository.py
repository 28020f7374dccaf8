"""Agency's reads, and the writes its routes make. Keyword-only functions on the caller's
session; no commits here. What activities record is in `recording`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.agency.groups import component
from services.agency.models import (
    Agency,
    Ban,
    Engagement,
    Finding,
    Relation,
    Report,
    SelfEvaluationPreparer,
    SpotCheck,
)
from shared.contracts.agency import (
    AgencyRegistration,
    AgencySpotCheckDrawn,
    EngagementStatus,
    EngagementView,
    FindingSeverity,
    IndependenceDeclaration,
    Qualification,
    QualificationChanged,
    RelationAdded,
    Roster,
)
from shared.contracts.application import ApplicationCase
from shared.contracts.events import Facts
from shared.db import utcnow
from shared.identifiers import new_engagement_id, new_finding_id, new_spot_check_id
from shared.messaging.outbox import add_event

# Engagements in these states are evaluation projects the agency carries out.
CARRIED = (EngagementStatus.ACCEPTED, EngagementStatus.REPORTED)

# ----------------------------------------------------------------------------- registry


async def get_agency(session: AsyncSession, *, agency_id: str) -> Agency | None:
    return await session.get(Agency, agency_id)


async def add_agency(
    session: AsyncSession, *, body: AgencyRegistration, qualification: Qualification
) -> Agency:
    agency = Agency(
        id=body.credit_code,
        name=body.name,
        profile=body.model_dump(mode="json"),
        qualification=qualification.model_dump(mode="json"),
        qualified=qualification.qualified,
    )
    session.add(agency)
    await session.flush()
    add_event(session, Facts.AGENCY_REGISTERED, body, key=f"agency:{agency.id}")
    return agency


def registration_of(agency: Agency) -> AgencyRegistration:
    """The stored registration; rows from before the registry grew get the defaults."""
    data = {"credit_code": agency.id, "name": agency.name, **agency.profile}
    return AgencyRegistration.model_validate(data)


async def replace_roster(
    session: AsyncSession, *, agency: Agency, roster: Roster, qualification: Qualification
) -> None:
    profile = dict(agency.profile)
    profile["staff"] = [s.model_dump(mode="json") for s in roster.staff]
    if roster.records is not None:
        profile["records"] = [r.model_dump(mode="json") for r in roster.records]
    agency.profile = profile
    agency.qualification = qualification.model_dump(mode="json")
    agency.qualified = qualification.qualified
    agency.updated_at = utcnow()
    await session.flush()
    add_event(session, Facts.AGENCY_QUALIFICATION_CHANGED,
              QualificationChanged(agency_id=agency.id, qualification=qualification))


# ----------------------------------------------------------------------------- relations


async def add_relation(
    session: AsyncSession, *, agency_id: str, related_code: str, kind: str, declared_by: str,
    note: str,
) -> Relation:
    relation = Relation(agency_id=agency_id, related_code=related_code, kind=kind,
                        declared_by=declared_by, note=note)
    session.add(relation)
    await session.flush()
    add_event(session, Facts.AGENCY_RELATION_ADDED,
              RelationAdded.model_validate(relation, from_attributes=True),
              key=f"relation:{agency_id}:{related_code}")
    return relation


async def list_relations(session: AsyncSession, *, codes: set[str]) -> Sequence[Relation]:
    query = select(Relation).where(
        Relation.agency_id.in_(codes) | Relation.related_code.in_(codes)
    ).order_by(Relation.id)
    return (await session.scalars(query)).all()


@dataclass(frozen=True)
class Group:
    """The legal persons related to one agency, transitively, and the agencies among them."""

    codes: frozenset[str]
    agencies: tuple[str, ...]


async def group_of(session: AsyncSession, *, code: str) -> Group:
    """The connected component of `code` over all relations (a union-find over the table,
    which holds one row per declared relation: small enough to read whole)."""
    edges = (await session.execute(select(Relation.agency_id, Relation.related_code))).all()
    codes = component(code, ((a, b) for a, b in edges))
    agencies = (await session.scalars(select(Agency.id).where(Agency.id.in_(codes)))).all()
    return Group(codes=frozenset(codes), agencies=tuple(sorted(agencies)))


# ----------------------------------------------------------------------------- engagements


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


async def add_engagement(
    session: AsyncSession,
    *,
    case: ApplicationCase,
    agency_id: str,
    rule_set: str,
    independence: IndependenceDeclaration,
    prepared_by: str | None,
) -> Engagement:
    engagement = Engagement(
        id=new_engagement_id(),
        application_id=case.application_id,
        batch=case.batch,
        category=case.category.value,
        applicant_credit_code=case.credit_code,
        agency_id=agency_id,
        rule_set=rule_set,
        applicant_independence={**independence.model_dump(mode="json"),
                                "at": utcnow().isoformat()},
    )
    session.add(engagement)
    if prepared_by is not None:
        await add_preparer(session, application_id=case.application_id, preparer_code=prepared_by,
                           recorded_by=f"applicant:{case.credit_code}")
    await session.flush()
    add_event(
        session,
        Facts.ENGAGEMENT_REQUESTED,
        EngagementView.model_validate(engagement, from_attributes=True),
        key=f"engagement:{engagement.id}:requested",
    )
    return engagement


async def add_preparer(
    session: AsyncSession, *, application_id: str, preparer_code: str, recorded_by: str
) -> None:
    if await session.get(SelfEvaluationPreparer, (application_id, preparer_code)) is None:
        session.add(SelfEvaluationPreparer(application_id=application_id,
                                           preparer_code=preparer_code, recorded_by=recorded_by))


async def preparers_of(session: AsyncSession, *, application_id: str) -> set[str]:
    rows = await session.scalars(select(SelfEvaluationPreparer.preparer_code).where(
        SelfEvaluationPreparer.application_id == application_id))
    return set(rows.all())


async def decline(session: AsyncSession, *, engagement: Engagement, note: str) -> None:
    engagement.status, engagement.note, engagement.decided_at = (
        EngagementStatus.DECLINED, note, utcnow())
    await session.flush()
    add_event(
        session,
        Facts.ENGAGEMENT_DECLINED,
        EngagementView.model_validate(engagement, from_attributes=True),
        key=f"engagement:{engagement.id}:declined",
    )


async def count_projects(
    session: AsyncSession, *, agency_ids: Sequence[str], batch: str, categories: Sequence[str]
) -> dict[str, int]:
    """Evaluation projects of counted categories carried by each agency in one batch."""
    rows = await session.execute(
        select(Engagement.agency_id, func.count())
        .where(Engagement.agency_id.in_(agency_ids), Engagement.batch == batch,
               Engagement.category.in_(categories), Engagement.status.in_(CARRIED))
        .group_by(Engagement.agency_id)
    )
    return {agency_id: int(n) for agency_id, n in rows.all()}


# ----------------------------------------------------------------------------- reports


async def report_of(session: AsyncSession, *, engagement_id: str) -> Report | None:
    return await session.scalar(select(Report).where(Report.engagement_id == engagement_id))


async def list_reports(
    session: AsyncSession, *, agency_id: str | None = None, batch: str | None = None,
    flagged: bool | None = None,
) -> Sequence[Report]:
    query = select(Report).order_by(Report.id)
    if agency_id is not None:
        query = query.where(Report.agency_id == agency_id)
    if batch is not None:
        query = query.where(Report.batch == batch)
    if flagged is not None:
        query = query.where(Report.flagged_for_review == flagged)
    return (await session.scalars(query)).all()


# ----------------------------------------------------------------------------- supervision


async def active_ban(session: AsyncSession, *, agency_id: str) -> Ban | None:
    return await session.scalar(
        select(Ban).where(Ban.agency_id == agency_id, Ban.lifted_at.is_(None))
        .order_by(Ban.ends_at.desc()).limit(1)
    )


async def agency_ids(session: AsyncSession) -> list[str]:
    return sorted((await session.scalars(select(Agency.id))).all())


async def add_spot_check(
    session: AsyncSession, *, batch: str, rule_set: str, seed: int, population: list[str],
    sample: list[str], drawn_by: str,
) -> SpotCheck:
    reports = await list_reports_of(session, agency_ids=sample, batch=batch)
    check = SpotCheck(id=new_spot_check_id(), batch=batch, rule_set=rule_set, seed=seed,
                      population=population, sample=sample, report_ids=reports, drawn_by=drawn_by)
    session.add(check)
    await session.flush()
    add_event(session, Facts.SPOT_CHECK_DRAWN,
              AgencySpotCheckDrawn(spot_check_id=check.id, batch=batch, seed=seed,
                             population=population, sample=sample),
              key=f"spot-check:{check.id}")
    return check


async def list_reports_of(
    session: AsyncSession, *, agency_ids: Sequence[str], batch: str
) -> list[int]:
    rows = await session.scalars(select(Report.id).where(
        Report.agency_id.in_(agency_ids), Report.batch == batch).order_by(Report.id))
    return list(rows.all())


async def get_spot_check(session: AsyncSession, *, spot_check_id: str) -> SpotCheck | None:
    return await session.get(SpotCheck, spot_check_id)


async def add_finding(
    session: AsyncSession, *, check: SpotCheck, agency_id: str, severity: FindingSeverity,
    description: str,
    report_ids: list[int], decided_by: str, decided_at: datetime,
) -> Finding:
    finding = Finding(id=new_finding_id(), spot_check_id=check.id, agency_id=agency_id,
                      severity=severity, description=description, report_ids=report_ids,
                      decided_by=decided_by, decided_at=decided_at)
    session.add(finding)
    await session.flush()
    return finding


async def get_finding(session: AsyncSession, *, finding_id: str) -> Finding | None:
    return await session.get(Finding, finding_id)


async def findings_of(session: AsyncSession, *, spot_check_id: str) -> Sequence[Finding]:
    return (await session.scalars(select(Finding).where(Finding.spot_check_id == spot_check_id)
                                  .order_by(Finding.decided_at))).all()
