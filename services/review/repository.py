"""Review's data access."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.legacy import LegacyRow
from services.review.models import (
    CaseHistory,
    CaseStage,
    Decision,
    ListedUnit,
    ListingFinding,
    ListingSpotCheck,
    Objection,
    Publication,
    Publicity,
    ReReview,
    ReReviewRequest,
    ReReviewResult,
    YearlyReport,
)
from shared.contracts.application import (
    ApplicationCase,
    ApplicationStageChanged,
    ListingRecord,
    Stage,
    TransitionRecord,
)
from shared.contracts.batch import (
    ListedUnitsPublished,
    ObjectionOut,
    PublicationPlan,
    PublicationRequest,
    PublicityOpened,
    PublicityRequest,
)
from shared.contracts.events import EventEnvelope, Facts
from shared.contracts.listing import (
    LegacyImportResult,
    RemovalRecord,
    ReReviewNotice,
    ReReviewOpen,
    ReReviewOutcome,
    ReReviewPlan,
    ReReviewReminder,
    ReReviewReportRecord,
    SpotCheckDrawn,
    UnitRemoved,
    YearlyReportDue,
    YearlyReportOut,
)
from shared.contracts.listing import ListedUnit as ListedUnitRef
from shared.db import utcnow
from shared.messaging.outbox import add_case_event, add_event
from shared.rules.model import Category

# ------------------------------------------------------------------ read model (events only)


async def project_draft(session: AsyncSession, *, case: ApplicationCase) -> None:
    if await session.get(CaseStage, case.application_id) is None:
        session.add(
            CaseStage(
                application_id=case.application_id,
                batch=case.batch,
                category=case.category.value,
                region=case.region,
                applicant_name=case.applicant_name,
                credit_code=case.credit_code,
                stage=Stage.DRAFT.value,
                seq=0,
            )
        )


async def project_fact(session: AsyncSession, *, envelope: EventEnvelope) -> None:
    """Record a case fact; the stage moves only forward in sequence (events may be reordered)."""
    event = envelope.payload_as(ApplicationStageChanged)
    case, t = event.case, event.transition
    row = await session.get(CaseStage, case.application_id, with_for_update=True)
    if row is None:
        await project_draft(session, case=case)
        await session.flush()
        row = await session.get(CaseStage, case.application_id)
        assert row is not None
    if t.seq > row.seq:
        row.stage, row.seq, row.updated_at = t.stage.value, t.seq, t.at
    if await session.get(CaseHistory, (case.application_id, t.seq)) is None:
        session.add(
            CaseHistory(
                application_id=case.application_id,
                seq=t.seq,
                stage=t.stage.value,
                fact=t.fact,
                actor=t.actor.label(),
                reason=t.reason,
                at=t.at,
                event_id=envelope.id,
                details=event.details,
            )
        )


async def get_case(session: AsyncSession, *, application_id: str) -> CaseStage | None:
    return await session.get(CaseStage, application_id)


async def case_history(session: AsyncSession, *, application_id: str) -> Sequence[CaseHistory]:
    return (
        await session.scalars(
            select(CaseHistory)
            .where(CaseHistory.application_id == application_id)
            .order_by(CaseHistory.seq)
        )
    ).all()


async def list_cases(
    session: AsyncSession, *, batch: str | None, stage: str | None, region: str | None
) -> Sequence[CaseStage]:
    query = select(CaseStage).order_by(CaseStage.batch, CaseStage.region, CaseStage.application_id)
    if batch:
        query = query.where(CaseStage.batch == batch)
    if stage:
        query = query.where(CaseStage.stage == stage)
    if region:
        query = query.where(CaseStage.region == region)
    return (await session.scalars(query)).all()


# ------------------------------------------------------------------ decisions and publication


async def record_decision(session: AsyncSession, *, record: TransitionRecord) -> None:
    if await session.get(Decision, record.case.application_id) is not None:
        return
    t = record.transition
    session.add(
        Decision(
            application_id=record.case.application_id,
            batch=record.case.batch,
            decision="approve" if t.stage == Stage.APPROVED else "reject",
            reason=t.reason,
            actor=t.actor.label(),
            decided_at=t.at,
            case=record.case.model_dump(mode="json"),
        )
    )
    add_case_event(session, record.case, t)


async def prepare_publication(
    session: AsyncSession, *, request: PublicationRequest
) -> PublicationPlan:
    """Record the publication and claim every approved, unpublished application of the batch.
    Idempotent: a retry with the same publication id returns the same plan."""
    publication = await session.get(Publication, request.publication_id)
    if publication is None:
        publication = Publication(
            id=request.publication_id, batch=request.batch, published_at=request.at,
            actor=request.actor.label(),
        )
        session.add(publication)
        await session.flush()
        upheld = select(Objection.application_id).where(
            Objection.batch == request.batch, Objection.status == "upheld"
        )
        # An approved unit against which an objection was upheld stays off the list.
        await session.execute(
            update(Decision)
            .where(Decision.batch == request.batch, Decision.decision == "approve",
                   Decision.publication_id.is_(None), Decision.application_id.in_(upheld))
            .values(decision="excluded", publication_id=request.publication_id)
        )
        await session.execute(
            update(Decision)
            .where(Decision.batch == request.batch, Decision.decision == "approve",
                   Decision.publication_id.is_(None))
            .values(publication_id=request.publication_id)
        )
    claimed = (
        await session.scalars(
            select(Decision).where(Decision.publication_id == request.publication_id)
            .order_by(Decision.application_id)
        )
    ).all()
    decisions = [d for d in claimed if d.decision == "approve"]
    excluded = [d for d in claimed if d.decision == "excluded"]
    if publication.count != len(decisions) or not publication.count:
        publication.count = len(decisions)
        add_event(
            session,
            Facts.LIST_PUBLISHED,
            ListedUnitsPublished(
                batch=request.batch, publication_id=publication.id,
                published_at=publication.published_at, count=len(decisions),
            ),
            key=f"publication:{publication.id}",
        )
    return PublicationPlan(
        publication_id=publication.id,
        batch=request.batch,
        published_at=publication.published_at,
        cases=[ApplicationCase.model_validate(d.case) for d in decisions],
        excluded=[ApplicationCase.model_validate(d.case) for d in excluded],
    )


async def record_listing(session: AsyncSession, *, record: ListingRecord) -> ListedUnitRef:
    """Put the unit on the public list (published), then mark it listed; return it."""
    case, t = record.case, record.transition
    unit = await session.get(ListedUnit, case.application_id)
    if unit is None:
        publication = await session.get(Publication, record.publication_id)
        assert publication is not None, "a listing follows its publication"
        unit = ListedUnit(
            application_id=case.application_id, publication_id=record.publication_id,
            batch=case.batch, category=case.category.value, region=case.region,
            name=case.applicant_name, credit_code=case.credit_code, status="published",
            published_at=publication.published_at, legacy=False,
        )
        session.add(unit)
    elif unit.status == t.stage.value:
        return listed_unit_contract(unit)
    unit.status = t.stage.value
    add_case_event(session, case, t, {"publication_id": record.publication_id})
    return listed_unit_contract(unit)


async def public_list(
    session: AsyncSession, *, batch: str | None, category: str | None, region: str | None,
    q: str | None, limit: int | None, offset: int = 0,
) -> tuple[int, Sequence[ListedUnit]]:
    query = select(ListedUnit)
    if batch:
        query = query.where(ListedUnit.batch == batch)
    if category:
        query = query.where(ListedUnit.category == category)
    if region:
        query = query.where(ListedUnit.region == region)
    if q:
        query = query.where(
            (ListedUnit.name.contains(q)) | (ListedUnit.credit_code == q.strip().upper())
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = (
        await session.scalars(
            query.order_by(
                ListedUnit.batch, ListedUnit.category, ListedUnit.region, ListedUnit.name
            )
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return int(total or 0), rows


# ------------------------------------------------------------------ listed units after publication


def listed_unit_contract(unit: ListedUnit) -> ListedUnitRef:
    return ListedUnitRef(
        application_id=unit.application_id, batch=unit.batch, category=Category(unit.category),
        region=unit.region, name=unit.name, credit_code=unit.credit_code,
        published_at=unit.published_at, legacy=unit.legacy,
    )


async def get_listed_unit(session: AsyncSession, *, application_id: str) -> ListedUnit | None:
    return await session.get(ListedUnit, application_id)


async def record_removal(session: AsyncSession, *, record: RemovalRecord) -> None:
    unit = await session.get(ListedUnit, record.unit.application_id, with_for_update=True)
    if unit is None:
        raise LookupError(f"listed unit {record.unit.application_id} not found")
    if unit.status == "removed":
        return
    unit.status, unit.removed_at = "removed", record.at
    unit.removal = record.removal.model_dump(mode="json")
    add_event(
        session,
        Facts.UNIT_REMOVED,
        UnitRemoved(
            application_id=unit.application_id, batch=unit.batch, category=Category(unit.category),
            name=unit.name, credit_code=unit.credit_code, region=unit.region,
            reasons=record.removal.reasons, note=record.removal.note, source=record.removal.source,
            removed_at=record.at,
        ),
        key=f"removal:{unit.application_id}",
    )


def yearly_report_due_event(session: AsyncSession, *, due: YearlyReportDue) -> None:
    add_event(
        session, Facts.YEARLY_REPORT_DUE, due,
        key=f"yearly-report-due:{due.application_id}:{due.year}",
        occurred_at=due.reminded_at,
    )


async def add_yearly_report(
    session: AsyncSession, *, application_id: str, year: int, url: str, summary: str
) -> YearlyReport:
    report = YearlyReport(application_id=application_id, year=year, url=url, summary=summary)
    session.add(report)
    await session.flush()
    add_event(
        session, Facts.YEARLY_REPORT_SUBMITTED,
        YearlyReportOut.model_validate(report, from_attributes=True),
        key=f"yearly-report:{application_id}:{year}",
    )
    return report


async def latest_reports(
    session: AsyncSession, *, application_ids: list[str]
) -> dict[str, YearlyReport]:
    if not application_ids:
        return {}
    rows = (
        await session.scalars(
            select(YearlyReport).where(YearlyReport.application_id.in_(application_ids))
            .order_by(YearlyReport.year)
        )
    ).all()
    return {r.application_id: r for r in rows}


# ------------------------------------------------------------------ triennial review


async def open_rereview(session: AsyncSession, *, request: ReReviewOpen) -> ReReviewPlan:
    """Record the review and what each authority must check; idempotent per review id."""
    units = (
        await session.scalars(
            select(ListedUnit)
            .where(
                ListedUnit.batch == request.batch, ListedUnit.status.in_(("listed", "published"))
            )
            .order_by(ListedUnit.region, ListedUnit.application_id)
        )
    ).all()
    if await session.get(ReReview, request.review_id) is None:
        session.add(ReReview(id=request.review_id, batch=request.batch, opened_at=request.opened_at,
                             deadline=request.deadline))
        await session.flush()
        per_region: dict[str, int] = {}
        for unit in units:
            per_region[unit.region] = per_region.get(unit.region, 0) + 1
        for region, count in sorted(per_region.items()):
            session.add(ReReviewRequest(review_id=request.review_id, region=region, units=count))
            add_event(
                session, Facts.REREVIEW_REQUESTED,
                ReReviewNotice(review_id=request.review_id, batch=request.batch, region=region,
                               deadline=request.deadline, units=count),
                key=f"rereview:{request.review_id}:{region}:requested",
                occurred_at=request.opened_at,
            )
    return ReReviewPlan(
        review_id=request.review_id, batch=request.batch, deadline=request.deadline,
        units=[listed_unit_contract(u) for u in units],
    )


async def remind_rereview(session: AsyncSession, *, reminder: ReReviewReminder) -> None:
    for region in reminder.regions:
        request = await session.get(ReReviewRequest, (reminder.review_id, region))
        if request is None or request.reported_at is not None:
            continue
        request.reminders += 1
        add_event(
            session, Facts.REREVIEW_REMINDER_DUE,
            ReReviewNotice(
                review_id=reminder.review_id, batch=reminder.batch, region=region,
                deadline=reminder.deadline, units=request.units, days_left=reminder.days_left,
            ),
            key=f"rereview:{reminder.review_id}:{region}:remind:{reminder.days_left}",
            occurred_at=reminder.at,
        )


async def record_rereview_report(session: AsyncSession, *, record: ReReviewReportRecord) -> None:
    request = await session.get(ReReviewRequest, (record.review_id, record.region))
    if request is None or request.reported_at is not None:
        return
    request.reported_at = record.at
    for check in record.report.results:
        session.add(
            ReReviewResult(
                review_id=record.review_id, application_id=check.application_id,
                region=record.region,
                outcome=check.outcome, reasons=[r.value for r in check.reasons], note=check.note,
            )
        )
    add_event(
        session, Facts.REREVIEW_REPORTED, record,
        key=f"rereview:{record.review_id}:{record.region}:reported",
    )


async def complete_rereview(session: AsyncSession, *, outcome: ReReviewOutcome) -> None:
    review = await session.get(ReReview, outcome.review_id)
    if review is None or review.status == "completed":
        return
    review.status, review.completed_at = "completed", outcome.completed_at
    review.retained, review.removed, review.regions_missing = (
        outcome.retained, outcome.removed, outcome.regions_missing,
    )
    add_event(
        session, Facts.REREVIEW_COMPLETED, outcome, key=f"rereview:{outcome.review_id}:completed"
    )


async def list_rereviews(session: AsyncSession, *, batch: str | None) -> Sequence[ReReview]:
    query = select(ReReview).order_by(ReReview.opened_at)
    if batch:
        query = query.where(ReReview.batch == batch)
    return (await session.scalars(query)).all()


# ------------------------------------------------------------------ spot checks of listed units


async def draw_spot_check(
    session: AsyncSession, *, batch: str | None, seed: int, sample_size: Callable[[int], int],
    actor: str,
) -> ListingSpotCheck:
    """A reproducible draw: the same population and seed always give the same sample."""
    query = select(ListedUnit.application_id).where(ListedUnit.status.in_(("listed", "published")))
    if batch:
        query = query.where(ListedUnit.batch == batch)
    population = sorted((await session.scalars(query)).all())
    size = sample_size(len(population))
    sample = sorted(random.Random(seed).sample(population, size))
    check = ListingSpotCheck(
        id=uuid.uuid4().hex, batch=batch, seed=seed, population=len(population),
        sample=sample, actor=actor,
    )
    session.add(check)
    await session.flush()
    add_event(
        session, Facts.LISTING_SPOT_CHECK_DRAWN,
        SpotCheckDrawn(
            id=check.id, batch=batch, seed=seed, population=len(population), sample=sample
        ),
        key=f"listing-spot-check:{check.id}",
    )
    return check


async def get_spot_check(session: AsyncSession, *, spot_check_id: str) -> ListingSpotCheck | None:
    return await session.get(ListingSpotCheck, spot_check_id)


async def add_finding(
    session: AsyncSession, *, spot_check_id: str, application_id: str, qualifies: bool,
    finding: str, reasons: list[str], actor: str,
) -> ListingFinding:
    row = ListingFinding(
        spot_check_id=spot_check_id, application_id=application_id, qualifies=qualifies,
        finding=finding, reasons=reasons, actor=actor,
    )
    session.add(row)
    await session.flush()
    return row


async def import_legacy_units(session: AsyncSession, *, rows: list[LegacyRow]) -> tuple[int, int]:
    """Insert the units not yet known; return how many were added and how many were there."""
    known = set(
        (await session.scalars(
            select(ListedUnit.application_id).where(
                ListedUnit.application_id.in_([r.application_id for r in rows])
            )
        )).all()
    ) if rows else set()
    added: list[ListedUnit] = []
    for row in rows:
        if row.application_id in known:
            continue
        publication_id = f"legacy:{row.batch}"
        if await session.get(Publication, publication_id) is None:
            session.add(Publication(
                id=publication_id, batch=row.batch, published_at=row.published_at,
                actor="legacy-import", count=0,
            ))
            await session.flush()
        unit = ListedUnit(
            application_id=row.application_id, publication_id=publication_id, batch=row.batch,
            category=row.category.value, region=row.region, name=row.name,
            credit_code=row.credit_code,
            status="listed", published_at=row.published_at, legacy=True,
        )
        session.add(unit)
        added.append(unit)
    if added:
        add_event(
            session, Facts.UNITS_IMPORTED,
            LegacyImportResult(imported=len(added), already_present=len(known),
                               batches=sorted({u.batch for u in added})),
        )
    return len(added), len(known)



# ------------------------------------------------------------------ publicity and objections


async def record_transition(session: AsyncSession, *, record: TransitionRecord) -> None:
    """A case fact review owns with nothing more to keep (an information request, an exclusion)."""
    add_case_event(session, record.case, record.transition, record.details)


async def open_publicity(session: AsyncSession, *, request: PublicityRequest) -> PublicityOpened:
    approved = await session.scalar(
        select(func.count()).select_from(Decision).where(
            Decision.batch == request.batch,
            Decision.decision == "approve",
            Decision.publication_id.is_(None),
        )
    )
    publicity = await session.get(Publicity, request.batch)
    if publicity is None:
        publicity = Publicity(
            batch=request.batch, opened_at=request.opened_at, closes_at=request.closes_at,
            count=int(approved or 0), actor=request.actor.label(),
        )
        session.add(publicity)
        opened = PublicityOpened(batch=request.batch, opened_at=request.opened_at,
                                 closes_at=request.closes_at, count=publicity.count)
        add_event(session, Facts.PUBLICITY_OPENED, opened, key=f"publicity:{request.batch}",
                  occurred_at=request.opened_at)
        return opened
    return PublicityOpened(batch=publicity.batch, opened_at=publicity.opened_at,
                           closes_at=publicity.closes_at, count=publicity.count)


async def proposed_list(session: AsyncSession, *, batch: str) -> Sequence[Decision]:
    return (
        await session.scalars(
            select(Decision).where(Decision.batch == batch, Decision.decision == "approve",
                                   Decision.publication_id.is_(None))
            .order_by(Decision.application_id)
        )
    ).all()


async def add_objection(
    session: AsyncSession, *, batch: str, application_id: str, lodged_by: str, contact: str,
    grounds: str,
) -> Objection:
    objection = Objection(batch=batch, application_id=application_id, lodged_by=lodged_by,
                          contact=contact, grounds=grounds)
    session.add(objection)
    await session.flush()
    add_event(
        session, Facts.OBJECTION_LODGED,
        ObjectionOut.model_validate(objection, from_attributes=True),
        key=f"objection:{objection.id}:lodged",
    )
    return objection


async def resolve_objection(
    session: AsyncSession, *, objection: Objection, upheld: bool, resolution: str, actor: str
) -> None:
    objection.status = "upheld" if upheld else "dismissed"
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, actor, utcnow()
    await session.flush()
    add_event(
        session, Facts.OBJECTION_RESOLVED,
        ObjectionOut.model_validate(objection, from_attributes=True),
        key=f"objection:{objection.id}:resolved",
    )


async def get_objection(session: AsyncSession, *, objection_id: int) -> Objection | None:
    return await session.get(Objection, objection_id)


async def list_objections(session: AsyncSession, *, batch: str) -> Sequence[Objection]:
    return (
        await session.scalars(
            select(Objection).where(Objection.batch == batch).order_by(Objection.id)
        )
    ).all()


async def get_publicity(session: AsyncSession, *, batch: str) -> Publicity | None:
    return await session.get(Publicity, batch)
