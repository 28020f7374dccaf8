"""Recording the ministry's decisions, publicity, objections and publication, each with the
fact it announces (through the outbox, in the same transaction)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.models import Decision, ListedUnit, Objection, Publication, Publicity
from services.review.repository.triennial import listed_unit_contract
from shared.contracts.application import (
    ApplicationCase,
    DecisionKind,
    ListingRecord,
    Stage,
    TransitionRecord,
)
from shared.contracts.batch import (
    ListedUnitsPublished,
    ObjectionOut,
    ObjectionStatus,
    PublicationPlan,
    PublicationRequest,
    PublicityOpened,
    PublicityRequest,
)
from shared.contracts.events import Facts
from shared.contracts.listing import ListedUnitRef
from shared.db import utcnow
from shared.messaging.outbox import add_case_event, add_event

# ------------------------------------------------------------------ activities' records


async def record_decision(session: AsyncSession, *, record: TransitionRecord) -> None:
    if await session.get(Decision, record.case.application_id) is not None:
        return
    t = record.transition
    session.add(
        Decision(
            application_id=record.case.application_id,
            batch=record.case.batch,
            decision=DecisionKind.APPROVE if t.stage == Stage.APPROVED else DecisionKind.REJECT,
            reason=t.reason,
            actor=t.actor.label(),
            decided_at=t.at,
            case=record.case.model_dump(mode="json"),
        )
    )
    add_case_event(session, record.case, t)


async def record_transition(session: AsyncSession, *, record: TransitionRecord) -> None:
    """A case fact review owns with nothing more to keep (an information request, an exclusion)."""
    add_case_event(session, record.case, record.transition, record.details)


async def open_publicity(session: AsyncSession, *, request: PublicityRequest) -> PublicityOpened:
    approved = await session.scalar(
        select(func.count()).select_from(Decision).where(
            Decision.batch == request.batch,
            Decision.decision == DecisionKind.APPROVE,
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
            Objection.batch == request.batch, Objection.status == ObjectionStatus.UPHELD
        )
        # An approved unit against which an objection was upheld stays off the list.
        await session.execute(
            update(Decision)
            .where(Decision.batch == request.batch, Decision.decision == DecisionKind.APPROVE,
                   Decision.publication_id.is_(None), Decision.application_id.in_(upheld))
            .values(decision=DecisionKind.EXCLUDED, publication_id=request.publication_id)
        )
        await session.execute(
            update(Decision)
            .where(Decision.batch == request.batch, Decision.decision == DecisionKind.APPROVE,
                   Decision.publication_id.is_(None))
            .values(publication_id=request.publication_id)
        )
    claimed = (
        await session.scalars(
            select(Decision).where(Decision.publication_id == request.publication_id)
            .order_by(Decision.application_id)
        )
    ).all()
    decisions = [d for d in claimed if d.decision == DecisionKind.APPROVE]
    excluded = [d for d in claimed if d.decision == DecisionKind.EXCLUDED]
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


# ------------------------------------------------------------------ objections (from routes)


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
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, actor, utcnow()
    await session.flush()
    add_event(
        session, Facts.OBJECTION_RESOLVED,
        ObjectionOut.model_validate(objection, from_attributes=True),
        key=f"objection:{objection.id}:resolved",
    )
