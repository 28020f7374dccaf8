"""Intake's activities: the transitions this service owns, persisted with their facts."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from services.intake import repository
from services.intake.rule_book import RuleBook
from shared.contracts.application import SubmissionRecord, TransitionRecord
from shared.contracts.batch import PackageRecord, PackageSubmitted
from shared.temporal import Activities


class IntakeActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        events_committed: Callable[[], None],
        rules: RuleBook,
    ) -> None:
        self._sessions = sessions
        self._events_committed = events_committed
        self._rules = rules

    @activity.defn(name=Activities.INTAKE_RECORD_SUBMISSION)
    async def record_submission(self, record: SubmissionRecord) -> None:
        """Record the submission, the declarations and the eligibility check (idempotent)."""
        async with self._sessions() as session, session.begin():
            await repository.record_submission(session, record=record, rules=self._rules)
        self._events_committed()

    @activity.defn(name=Activities.INTAKE_RECORD_RECOMMENDATION)
    async def record_recommendation(self, record: TransitionRecord) -> None:
        """Record the authority's decision. A recommendation of an ineligible application
        fails with `Ineligible` (every reason in the details), one beyond the authority's
        quota with `QuotaExceeded`; both are final."""
        try:
            async with self._sessions() as session, session.begin():
                await repository.record_recommendation(session, record=record, rules=self._rules)
        except repository.Refusal as refusal:
            raise ApplicationError(
                refusal.message, refusal.details, type=refusal.type, non_retryable=True
            ) from None
        self._events_committed()

    @activity.defn(name=Activities.INTAKE_RECORD_PACKAGE)
    async def record_package(self, record: PackageRecord) -> PackageSubmitted:
        """Record an authority's package and announce `intake.package.submitted` (once)."""
        async with self._sessions() as session, session.begin():
            package = await repository.record_package(session, record=record)
        self._events_committed()
        return package
