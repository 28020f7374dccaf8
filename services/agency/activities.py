"""Agency's activities: acceptance and report, persisted with their facts."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from services.agency import repository
from shared.contracts.application import EngagementRecord, ReportRecord
from shared.temporal import Activities


class AgencyActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], events_committed: Callable[[], None]
    ) -> None:
        self._sessions = sessions
        self._events_committed = events_committed

    @activity.defn(name=Activities.AGENCY_RECORD_ACCEPTANCE)
    async def record_acceptance(self, record: EngagementRecord) -> None:
        async with self._sessions() as session, session.begin():
            await repository.record_acceptance(session, record=record)
        self._events_committed()

    @activity.defn(name=Activities.AGENCY_RECORD_REPORT)
    async def record_report(self, record: ReportRecord) -> None:
        async with self._sessions() as session, session.begin():
            await repository.record_report(session, record=record)
        self._events_committed()
