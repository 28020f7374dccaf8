"""Intake's activities: the transitions this service owns, persisted with their facts."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from services.intake import repository
from shared.contracts.application import TransitionRecord
from shared.temporal import Activities


class IntakeActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], events_committed: Callable[[], None]
    ) -> None:
        self._sessions = sessions
        self._events_committed = events_committed

    @activity.defn(name=Activities.INTAKE_RECORD_SUBMISSION)
    async def record_submission(self, record: TransitionRecord) -> None:
        async with self._sessions() as session, session.begin():
            await repository.record_submission(session, record=record)
        self._events_committed()

    @activity.defn(name=Activities.INTAKE_RECORD_RECOMMENDATION)
    async def record_recommendation(self, record: TransitionRecord) -> None:
        async with self._sessions() as session, session.begin():
            await repository.record_recommendation(session, record=record)
        self._events_committed()
