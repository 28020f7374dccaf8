"""Review's activities: decisions, publication, listings, removals, triennial reviews."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client

from services.review.repository import records
from shared.activities import ServiceActivities
from shared.contracts.application import ListingRecord, Stage, TransitionRecord
from shared.contracts.batch import (
    PublicationPlan,
    PublicationRequest,
    PublicityOpened,
    PublicityRequest,
)
from shared.contracts.listing import (
    RemovalRecord,
    ReReviewOpen,
    ReReviewOutcome,
    ReReviewPlan,
    ReReviewReminder,
    ReReviewReportRecord,
    ReReviewScheduleRequest,
    YearlyReportDue,
)
from shared.rules.book import RuleBook
from shared.runtime import ServiceRuntime
from shared.temporal import Activities, TaskQueues
from workflows.rereview.schedule import ensure_rereview_schedule, start_listings


class ReviewActivities(ServiceActivities):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        events_committed: Callable[[], None],
        temporal: Client,
        queues: TaskQueues,
        rules: RuleBook,
    ) -> None:
        super().__init__(sessions, events_committed, rules)
        self._temporal = temporal
        self._queues = queues

    @classmethod
    def from_runtime(cls, runtime: ServiceRuntime) -> Self:
        return cls(runtime.sessions, runtime.events_committed, runtime.temporal, runtime.queues,
                   runtime.rules)

    @activity.defn(name=Activities.REVIEW_RECORD_DECISION)
    async def record_decision(self, record: TransitionRecord) -> None:
        async with self.transaction() as session:
            await records.record_decision(session, record=record)

    @activity.defn(name=Activities.REVIEW_PREPARE_PUBLICATION)
    async def prepare_publication(self, request: PublicationRequest) -> PublicationPlan:
        async with self.transaction() as session:
            return await records.prepare_publication(session, request=request)

    @activity.defn(name=Activities.REVIEW_RECORD_LISTING)
    async def record_listing(self, record: ListingRecord) -> None:
        """Publish, then list the unit; once listed, its ListingWorkflow runs (started here,
        idempotently, so a retry finds it running)."""
        async with self.transaction() as session:
            unit = await records.record_listing(session, record=record)
        if record.transition.stage == Stage.LISTED:
            await start_listings(self._temporal, self._queues, [unit])

    @activity.defn(name=Activities.REVIEW_RECORD_TRANSITION)
    async def record_transition(self, record: TransitionRecord) -> None:
        async with self.transaction() as session:
            await records.record_transition(session, record=record)

    @activity.defn(name=Activities.REVIEW_OPEN_PUBLICITY)
    async def open_publicity(self, request: PublicityRequest) -> PublicityOpened:
        async with self.transaction() as session:
            return await records.open_publicity(session, request=request)

    @activity.defn(name=Activities.REVIEW_RECORD_REMOVAL)
    async def record_removal(self, record: RemovalRecord) -> None:
        async with self.transaction() as session:
            await records.record_removal(session, record=record)

    @activity.defn(name=Activities.REVIEW_REMIND_YEARLY_REPORT)
    async def remind_yearly_report(self, due: YearlyReportDue) -> None:
        async with self.transaction() as session:
            await records.yearly_report_due_event(session, due=due)

    @activity.defn(name=Activities.REVIEW_OPEN_REREVIEW)
    async def open_rereview(self, request: ReReviewOpen) -> ReReviewPlan:
        async with self.transaction() as session:
            return await records.open_rereview(session, request=request)

    @activity.defn(name=Activities.REVIEW_REMIND_REREVIEW)
    async def remind_rereview(self, reminder: ReReviewReminder) -> None:
        async with self.transaction() as session:
            await records.remind_rereview(session, reminder=reminder)

    @activity.defn(name=Activities.REVIEW_RECORD_REREVIEW_REPORT)
    async def record_rereview_report(self, record: ReReviewReportRecord) -> None:
        async with self.transaction() as session:
            await records.record_rereview_report(session, record=record)

    @activity.defn(name=Activities.REVIEW_COMPLETE_REREVIEW)
    async def complete_rereview(self, outcome: ReReviewOutcome) -> None:
        async with self.transaction() as session:
            await records.complete_rereview(session, outcome=outcome)

    @activity.defn(name=Activities.REVIEW_ENSURE_REREVIEW_SCHEDULE)
    async def ensure_rereview_schedule(self, request: ReReviewScheduleRequest) -> str:
        """Create the batch's triennial-review Schedule; an existing one is left as it is."""
        cycle = self._rules.get(request.rule_set).review_cycle_years
        return await ensure_rereview_schedule(
            self._temporal, self._queues, request.batch, request.published_at, cycle
        )
