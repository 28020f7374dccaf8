"""Review's activities: decisions, publication, listings, removals, triennial reviews."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Self, TypeVar

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

T = TypeVar("T")


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

    async def _in_transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.transaction() as session:
            return await work(session)

    @activity.defn(name=Activities.REVIEW_RECORD_DECISION)
    async def record_decision(self, record: TransitionRecord) -> None:
        await self._in_transaction(lambda s: records.record_decision(s, record=record))

    @activity.defn(name=Activities.REVIEW_PREPARE_PUBLICATION)
    async def prepare_publication(self, request: PublicationRequest) -> PublicationPlan:
        return await self._in_transaction(
            lambda s: records.prepare_publication(s, request=request)
        )

    @activity.defn(name=Activities.REVIEW_RECORD_LISTING)
    async def record_listing(self, record: ListingRecord) -> None:
        """Publish, then list the unit; once listed, its ListingWorkflow runs (started here,
        idempotently, so a retry finds it running)."""
        unit = await self._in_transaction(lambda s: records.record_listing(s, record=record))
        if record.transition.stage == Stage.LISTED:
            await start_listings(self._temporal, self._queues, [unit])

    @activity.defn(name=Activities.REVIEW_RECORD_TRANSITION)
    async def record_transition(self, record: TransitionRecord) -> None:
        await self._in_transaction(lambda s: records.record_transition(s, record=record))

    @activity.defn(name=Activities.REVIEW_OPEN_PUBLICITY)
    async def open_publicity(self, request: PublicityRequest) -> PublicityOpened:
        return await self._in_transaction(lambda s: records.open_publicity(s, request=request))

    @activity.defn(name=Activities.REVIEW_RECORD_REMOVAL)
    async def record_removal(self, record: RemovalRecord) -> None:
        await self._in_transaction(lambda s: records.record_removal(s, record=record))

    @activity.defn(name=Activities.REVIEW_REMIND_YEARLY_REPORT)
    async def remind_yearly_report(self, due: YearlyReportDue) -> None:
        async def work(session: AsyncSession) -> None:
            await records.yearly_report_due_event(session, due=due)

        await self._in_transaction(work)

    @activity.defn(name=Activities.REVIEW_OPEN_REREVIEW)
    async def open_rereview(self, request: ReReviewOpen) -> ReReviewPlan:
        return await self._in_transaction(lambda s: records.open_rereview(s, request=request))

    @activity.defn(name=Activities.REVIEW_REMIND_REREVIEW)
    async def remind_rereview(self, reminder: ReReviewReminder) -> None:
        await self._in_transaction(lambda s: records.remind_rereview(s, reminder=reminder))

    @activity.defn(name=Activities.REVIEW_RECORD_REREVIEW_REPORT)
    async def record_rereview_report(self, record: ReReviewReportRecord) -> None:
        await self._in_transaction(lambda s: records.record_rereview_report(s, record=record))

    @activity.defn(name=Activities.REVIEW_COMPLETE_REREVIEW)
    async def complete_rereview(self, outcome: ReReviewOutcome) -> None:
        await self._in_transaction(lambda s: records.complete_rereview(s, outcome=outcome))

    @activity.defn(name=Activities.REVIEW_ENSURE_REREVIEW_SCHEDULE)
    async def ensure_rereview_schedule(self, request: ReReviewScheduleRequest) -> str:
        """Create the batch's triennial-review Schedule; an existing one is left as it is."""
        cycle = self._rules.get(request.rule_set).review_cycle_years
        return await ensure_rereview_schedule(
            self._temporal, self._queues, request.batch, request.published_at, cycle
        )
