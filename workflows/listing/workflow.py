"""ListingWorkflow: a listed unit under management, for as many years as it stays listed."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from shared.chinatime import CHINA, at_china, china_date, same_day_in_year
    from shared.contracts.auth import Role
    from shared.contracts.listing import (
        ListingState,
        ListingView,
        Removal,
        RemovalRecord,
        YearlyReportDue,
        YearlyReportSubmitted,
    )
    from shared.errors import ErrorCode, refusal
    from shared.temporal import Activities, SearchAttributes
    from workflows.common import call_activity, own_queues


@workflow.defn(name="ListingWorkflow")
class ListingWorkflow:
    """One listed unit, id `listing:{application_id}`. One run per report year.

    Each year, on the anniversary of publication (09:00 China time), the unit is reminded of
    its yearly green and low-carbon development report unless it has submitted it, then the
    workflow continues as new for the next year, so its history stays a few dozen events
    however many years it lives.
    Updates: remove (the ministry, with reasons; refused once removed).
    Signals: order_removal (from a triennial review), report_submitted (the year's report).
    Queries: view.
    Terminal state: removed.
    """

    @workflow.init
    def __init__(self, state: ListingState) -> None:
        self._state = state
        self._pending: Removal | None = None
        self._removal: Removal | None = None
        self._queues = own_queues()

    @workflow.run
    async def run(self, state: ListingState) -> ListingView:
        unit = state.unit
        published = china_date(unit.published_at)
        due = at_china(same_day_in_year(published, state.year + 1), hour=9)
        # A unit that comes under management late (a legacy list imported years after its
        # publication) starts with the first report still to come, not with years of reminders.
        while due <= workflow.now():
            state.year += 1
            due = at_china(same_day_in_year(published, state.year + 1), hour=9)
        self._index("listed", due)
        try:
            await workflow.wait_condition(
                lambda: self._pending is not None,
                timeout=max(due - workflow.now(), timedelta(0)),
            )
        except TimeoutError:
            if state.year not in state.reports:
                await call_activity(
                    Activities.REVIEW_REMIND_YEARLY_REPORT,
                    YearlyReportDue(
                        application_id=unit.application_id, name=unit.name,
                        credit_code=unit.credit_code, region=unit.region, year=state.year,
                        due=due.astimezone(CHINA).date(), reminded_at=workflow.now(),
                    ),
                    self._queues.review,
                )
            if self._pending is None:
                await workflow.wait_condition(workflow.all_handlers_finished)
            if self._pending is None:
                workflow.continue_as_new(
                    ListingState(unit=unit, year=state.year + 1, reports=state.reports[-5:])
                )
        assert self._pending is not None
        await call_activity(
            Activities.REVIEW_RECORD_REMOVAL,
            RemovalRecord(unit=unit, removal=self._pending, at=workflow.now()),
            self._queues.review,
        )
        self._removal = self._pending
        self._index("removed", None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    @workflow.query
    def view(self) -> ListingView:
        return ListingView(
            unit=self._state.unit,
            status="removed" if self._removal else "listed",
            year=self._state.year,
            reports=list(self._state.reports),
            removal=self._removal,
        )

    @workflow.signal
    def report_submitted(self, report: YearlyReportSubmitted) -> None:
        if report.year not in self._state.reports:
            self._state.reports.append(report.year)

    @workflow.signal
    def order_removal(self, removal: Removal) -> None:
        # From a triennial review: the first removal wins, later ones add nothing.
        if self._pending is None:
            self._pending = removal

    @workflow.update
    async def remove(self, removal: Removal) -> ListingView:
        self._check_remove(removal)
        self._pending = removal
        await workflow.wait_condition(lambda: self._removal is not None)
        return self.view()

    @remove.validator
    def _check_remove(self, removal: Removal) -> None:
        if removal.actor.role not in (Role.MINISTRY, Role.OPS):
            raise refusal(
                ErrorCode.FORBIDDEN, "only the ministry removes a unit from the list",
                "只有工业和信息化部可以将单位移出名单",
            )
        if self._pending is not None or self._removal is not None:
            name = self._state.unit.name
            raise refusal(
                ErrorCode.DUPLICATE, f"{name} is already being removed",
                f"{name}已在移出名单的办理中或已被移出，不能重复移出",
            )

    def _index(self, stage: str, due: datetime | None) -> None:
        unit = self._state.unit
        workflow.upsert_search_attributes(
            [
                SearchAttributes.BATCH.value_set(unit.batch),
                SearchAttributes.CATEGORY.value_set(unit.category.value),
                SearchAttributes.REGION.value_set(unit.region),
                SearchAttributes.STAGE.value_set(stage),
                (
                    SearchAttributes.DUE_AT.value_set(due)
                    if due
                    else SearchAttributes.DUE_AT.value_unset()
                ),
            ]
        )
