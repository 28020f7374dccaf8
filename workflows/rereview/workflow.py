"""ReReviewWorkflow: one triennial review of a batch's listed units (每三年复核)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():

    from shared.chinatime import at_china, china_date
    from shared.contracts.auth import Principal, Role
    from shared.contracts.listing import (
        ListedUnitRef,
        Removal,
        ReReviewOpen,
        ReReviewOutcome,
        ReReviewPlan,
        ReReviewReminder,
        ReReviewReport,
        ReReviewReportRecord,
        ReReviewStart,
        ReReviewView,
    )
    from shared.errors import ErrorCode, refusal
    from shared.temporal import (
        Activities,
        SearchAttributes,
        listing_workflow_id,
    )
    from workflows.common import call_activity, in_slices, own_queues
    from workflows.listing.workflow import ListingWorkflow

SYSTEM = Principal(role=Role.OPS, scope="system", name="triennial review")
_STAGE_ZH = {"opening": "尚未开始收集核查结果", "removing": "已截止报送", "completed": "已完成"}


@workflow.defn(name="ReReviewWorkflow")
class ReReviewWorkflow:
    """One review of one batch, started by the batch's Schedule every review cycle.

    Asks each authority with listed units of the batch for its on-site check results before a
    deadline (`response_days` after opening, China time), reminds the authorities that have not
    reported `reminder_days` before it, then removes the units reported as no longer
    qualifying (each through its ListingWorkflow) and publishes the outcome.
    Updates: report (an authority's results for all its units of the batch).
    Queries: view.
    Terminal state: completed (authorities that never reported are named in the outcome).
    """

    @workflow.init
    def __init__(self, start: ReReviewStart) -> None:
        self._start = start
        self._plan: ReReviewPlan | None = None
        self._pending: set[str] = set()
        self._reported: list[str] = []
        self._removals: dict[str, Removal] = {}
        self._stage = "opening"
        self._queues = own_queues()

    @workflow.run
    async def run(self, start: ReReviewStart) -> ReReviewView:
        review_id = workflow.info().workflow_id
        opened = workflow.now()
        # Answers are due by the end of the last day: midnight China time after it.
        deadline = at_china(china_date(opened) + timedelta(days=start.response_days + 1))
        plan: ReReviewPlan = await call_activity(
            Activities.REVIEW_OPEN_REREVIEW,
            ReReviewOpen(
                review_id=review_id, batch=start.batch, opened_at=opened, deadline=deadline
            ),
            self._queues.review,
            ReReviewPlan,
        )
        self._plan = plan
        self._pending = {u.region for u in plan.units}
        self._stage = "collecting"
        workflow.upsert_search_attributes(
            [
                SearchAttributes.BATCH.value_set(start.batch),
                SearchAttributes.STAGE.value_set("rereview"),
                SearchAttributes.DUE_AT.value_set(deadline),
            ]
        )
        for days in sorted(set(start.reminder_days), reverse=True):
            remind_at = deadline - timedelta(days=days)
            if remind_at <= workflow.now() or not self._pending:
                continue
            try:
                await workflow.wait_condition(
                    lambda: not self._pending, timeout=remind_at - workflow.now()
                )
                break
            except TimeoutError:
                await call_activity(
                    Activities.REVIEW_REMIND_REREVIEW,
                    ReReviewReminder(
                        review_id=review_id, batch=start.batch, regions=sorted(self._pending),
                        deadline=deadline, days_left=days, at=workflow.now(),
                    ),
                    self._queues.review,
                )
        if self._pending and deadline > workflow.now():
            try:
                await workflow.wait_condition(
                    lambda: not self._pending, timeout=deadline - workflow.now()
                )
            except TimeoutError:
                pass
        self._stage = "removing"
        await workflow.wait_condition(workflow.all_handlers_finished)
        removals = sorted(self._removals.items())
        await in_slices(removals, lambda item: workflow.get_external_workflow_handle_for(
            ListingWorkflow.run, listing_workflow_id(item[0])
        ).signal(ListingWorkflow.order_removal, item[1]))
        await call_activity(
            Activities.REVIEW_COMPLETE_REREVIEW,
            ReReviewOutcome(
                review_id=review_id, batch=start.batch,
                retained=len(plan.units) - len(self._removals), removed=len(self._removals),
                regions_missing=sorted(self._pending), completed_at=workflow.now(),
            ),
            self._queues.review,
        )
        self._stage = "completed"
        workflow.upsert_search_attributes([SearchAttributes.STAGE.value_set("rereview-completed")])
        return self.view()

    @workflow.query
    def view(self) -> ReReviewView:
        return ReReviewView(
            review_id=workflow.info().workflow_id,
            batch=self._start.batch,
            deadline=self._plan.deadline if self._plan else None,
            regions_pending=sorted(self._pending),
            regions_reported=list(self._reported),
            removed=sorted(self._removals),
            stage=self._stage,
        )

    @workflow.update
    async def report(self, report: ReReviewReport) -> ReReviewView:
        self._check_report(report)
        region = report.actor.scope
        assert self._plan is not None
        await call_activity(
            Activities.REVIEW_RECORD_REREVIEW_REPORT,
            ReReviewReportRecord(review_id=self._plan.review_id, batch=self._start.batch,
                                 region=region, report=report, at=workflow.now()),
            self._queues.review,
        )
        for check in report.results:
            if check.outcome == "removed":
                self._removals[check.application_id] = Removal(
                    actor=report.actor, reasons=check.reasons, note=check.note, source="rereview",
                    reference=self._plan.review_id,
                )
        self._pending.discard(region)
        self._reported.append(region)
        return self.view()

    @report.validator
    def _check_report(self, report: ReReviewReport) -> None:
        if report.actor.role != Role.PROVINCE:
            raise refusal(
                ErrorCode.FORBIDDEN, "only a recommending authority reports its on-site checks",
                "只有推荐单位可以报送现场核查结果",
            )
        region = report.actor.scope
        if self._stage != "collecting" or self._plan is None:
            raise refusal(
                ErrorCode.WRONG_STAGE, f"this review is {self._stage}, not collecting reports",
                "本次复核" + _STAGE_ZH.get(self._stage, "不在收集核查结果阶段") + "，不接受报送",
            )
        if region in self._reported:
            raise refusal(
                ErrorCode.DUPLICATE, f"authority {region} has already reported for this review",
                f"推荐单位{region}已报送本次复核结果，不能重复报送",
            )
        if region not in self._pending:
            raise refusal(
                ErrorCode.NOT_FOUND,
                f"authority {region} has no listed units in batch {self._start.batch}",
                f"推荐单位{region}在批次{self._start.batch}中没有列入名单的单位",
            )
        expected = {u.application_id for u in self._units_of(region)}
        given = [c.application_id for c in report.results]
        unknown = sorted(set(given) - expected)
        missing = sorted(expected - set(given))
        if unknown or missing or len(given) != len(set(given)):
            raise refusal(
                ErrorCode.INVALID,
                "the report must give one result for each listed unit of the authority"
                + (f"; not among them: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else ""),
                "报送须对本推荐单位每个列入名单的单位各给出一项核查结果"
                + (f"；不属于本单位的：{'、'.join(unknown)}" if unknown else "")
                + (f"；缺少：{'、'.join(missing)}" if missing else ""),
                field="results",
                unknown=unknown, missing=missing,
            )

    def _units_of(self, region: str) -> list[ListedUnitRef]:
        assert self._plan is not None
        return [u for u in self._plan.units if u.region == region]

