"""Reading listed units after publication: the units, their yearly reports, triennial reviews
and spot checks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.models import ListedUnit, ListingSpotCheck, ReReview, YearlyReport
from shared.contracts.listing import ListedUnitRef
from shared.rules.model import Category


def listed_unit_contract(unit: ListedUnit) -> ListedUnitRef:
    """The unit as its ListingWorkflow and the triennial review know it."""
    return ListedUnitRef(
        application_id=unit.application_id, batch=unit.batch, category=Category(unit.category),
        region=unit.region, name=unit.name, credit_code=unit.credit_code,
        published_at=unit.published_at, legacy=unit.legacy,
    )


async def get_listed_unit(session: AsyncSession, *, application_id: str) -> ListedUnit | None:
    return await session.get(ListedUnit, application_id)


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


async def list_rereviews(session: AsyncSession, *, batch: str | None) -> Sequence[ReReview]:
    query = select(ReReview).order_by(ReReview.opened_at)
    if batch:
        query = query.where(ReReview.batch == batch)
    return (await session.scalars(query)).all()


async def get_spot_check(session: AsyncSession, *, spot_check_id: str) -> ListingSpotCheck | None:
    return await session.get(ListingSpotCheck, spot_check_id)
