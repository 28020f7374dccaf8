"""Reading publicity, objections and the public list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.models import Decision, ListedUnit, Objection, Publicity
from shared.contracts.application import DecisionKind


async def get_publicity(session: AsyncSession, *, batch: str) -> Publicity | None:
    return await session.get(Publicity, batch)


async def proposed_list(session: AsyncSession, *, batch: str) -> Sequence[Decision]:
    """The approved units not yet published: the list proposed during publicity."""
    return (
        await session.scalars(
            select(Decision).where(Decision.batch == batch,
                                   Decision.decision == DecisionKind.APPROVE,
                                   Decision.publication_id.is_(None))
            .order_by(Decision.application_id)
        )
    ).all()


async def get_objection(session: AsyncSession, *, objection_id: int) -> Objection | None:
    return await session.get(Objection, objection_id)


async def list_objections(session: AsyncSession, *, batch: str) -> Sequence[Objection]:
    return (
        await session.scalars(
            select(Objection).where(Objection.batch == batch).order_by(Objection.id)
        )
    ).all()


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
