"""Review's data access."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.models import CaseHistory, CaseStage, Decision, ListedUnit, Publication
from shared.contracts.application import (
    ApplicationCase,
    ApplicationStageChanged,
    ListingRecord,
    Stage,
    TransitionRecord,
)
from shared.contracts.batch import ListedUnitsPublished, PublicationPlan, PublicationRequest
from shared.contracts.events import EventEnvelope, Facts
from shared.messaging.outbox import add_case_event, add_event

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
            select(CaseHistory).where(CaseHistory.application_id == application_id).order_by(CaseHistory.seq)
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


async def prepare_publication(session: AsyncSession, *, request: PublicationRequest) -> PublicationPlan:
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
        await session.execute(
            update(Decision)
            .where(Decision.batch == request.batch, Decision.decision == "approve",
                   Decision.publication_id.is_(None))
            .values(publication_id=request.publication_id)
        )
    decisions = (
        await session.scalars(
            select(Decision).where(Decision.publication_id == request.publication_id)
            .order_by(Decision.application_id)
        )
    ).all()
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
    )


async def record_listing(session: AsyncSession, *, record: ListingRecord) -> None:
    case, t = record.case, record.transition
    unit = await session.get(ListedUnit, case.application_id)
    if unit is None:
        publication = await session.get(Publication, record.publication_id)
        assert publication is not None, "a listing follows its publication"
        unit = ListedUnit(
            application_id=case.application_id, publication_id=record.publication_id,
            batch=case.batch, category=case.category.value, region=case.region,
            name=case.applicant_name, credit_code=case.credit_code, status="published",
            published_at=publication.published_at,
        )
        session.add(unit)
    elif unit.status == t.stage.value:
        return
    unit.status = t.stage.value
    add_case_event(session, case, t, {"publication_id": record.publication_id})


async def public_list(
    session: AsyncSession, *, batch: str | None, category: str | None, region: str | None,
    q: str | None, limit: int, offset: int,
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
            query.order_by(ListedUnit.batch, ListedUnit.category, ListedUnit.region, ListedUnit.name)
            .limit(limit).offset(offset)
        )
    ).all()
    return int(total or 0), rows
