"""Review's activities: decisions, publication and listings, persisted with their facts."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from services.review import repository
from shared.contracts.application import ListingRecord, TransitionRecord
from shared.contracts.batch import PublicationPlan, PublicationRequest
from shared.temporal import Activities


class ReviewActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], events_committed: Callable[[], None]
    ) -> None:
        self._sessions = sessions
        self._events_committed = events_committed

    @activity.defn(name=Activities.REVIEW_RECORD_DECISION)
    async def record_decision(self, record: TransitionRecord) -> None:
        async with self._sessions() as session, session.begin():
            await repository.record_decision(session, record=record)
        self._events_committed()

    @activity.defn(name=Activities.REVIEW_PREPARE_PUBLICATION)
    async def prepare_publication(self, request: PublicationRequest) -> PublicationPlan:
        async with self._sessions() as session, session.begin():
            plan = await repository.prepare_publication(session, request=request)
        self._events_committed()
        return plan

    @activity.defn(name=Activities.REVIEW_RECORD_LISTING)
    async def record_listing(self, record: ListingRecord) -> None:
        async with self._sessions() as session, session.begin():
            await repository.record_listing(session, record=record)
        self._events_committed()
