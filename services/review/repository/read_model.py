"""The read model of every case: a projection fed only by the facts services announce, and
the reads the ministry and ops make of it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.models import CaseHistory, CaseStage
from shared.contracts.application import ApplicationCase, ApplicationStageChanged, Stage
from shared.contracts.events import EventEnvelope

# ------------------------------------------------------------------ projection (consumer only)


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


# ------------------------------------------------------------------ reads


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
