"""BatchWorkflow: one batch of the list, from opening to publication."""

from __future__ import annotations

import asyncio

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from shared.chinatime import deadline_text
    from shared.contracts.application import PublicationNotice
    from shared.contracts.auth import Role
    from shared.contracts.batch import (
        BatchStart,
        BatchView,
        PackageCommand,
        PackageRecord,
        PackageSubmitted,
        PublicationPlan,
        PublicationRequest,
        PublishCommand,
    )
    from shared.contracts.listing import ReReviewScheduleRequest
    from shared.regions import AUTHORITIES
    from shared.temporal import (
        Activities,
        Errors,
        SearchAttributes,
        TaskQueues,
        application_workflow_id,
    )
    from workflows.application.workflow import ApplicationWorkflow
    from workflows.common import ACTIVITY_RETRY, ACTIVITY_TIMEOUT, refusal, unwrap

# Signals to the listed cases go out in slices: a few hundred in flight keeps the server's
# mutable-state cache from filling up (ResourceExhausted, measured in PATTERNS.md).
FAN_OUT = 200


@workflow.defn(name="BatchWorkflow")
class BatchWorkflow:
    """One batch, id `batch:{code}`.

    Updates: submit_package (an authority, once, strictly before the deadline; the deadline
      lives in `self._deadline` so reminders and extensions can move it),
      publish (ministry; refused once published).
    Queries: view.
    Stages: open → published. Terminal state: published.
    """

    @workflow.init
    def __init__(self, start: BatchStart) -> None:
        self._start = start
        self._stage = "open"
        self._plan: PublicationPlan | None = None
        self._queues = TaskQueues(workflow.info().task_queue.removesuffix("greenlist-workflows"))
        self._lock = asyncio.Lock()
        self._deadline = start.deadline
        self._packages: dict[str, PackageSubmitted] = {}

    @workflow.run
    async def run(self, start: BatchStart) -> BatchView:
        workflow.upsert_search_attributes(
            [SearchAttributes.BATCH.value_set(start.code), SearchAttributes.STAGE.value_set("open")]
        )
        await workflow.wait_condition(lambda: self._stage == "published")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    @workflow.query
    def view(self) -> BatchView:
        return BatchView(
            code=self._start.code,
            rule_set=self._start.rule_set,
            stage=self._stage,
            publication_id=self._plan.publication_id if self._plan else None,
            published_count=len(self._plan.cases) if self._plan else 0,
            deadline=self._deadline,
            packages=list(self._packages),
        )

    @workflow.update
    async def submit_package(self, cmd: PackageCommand) -> PackageSubmitted:
        async with self._lock:
            self._check_package(cmd)
            try:
                package: PackageSubmitted = await workflow.execute_activity(
                    Activities.INTAKE_RECORD_PACKAGE,
                    PackageRecord(
                        batch=self._start.code,
                        region=cmd.actor.scope,
                        actor=cmd.actor,
                        at=workflow.now(),
                    ),
                    result_type=PackageSubmitted,
                    task_queue=self._queues.intake,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=ACTIVITY_RETRY,
                )
            except ActivityError as err:
                raise unwrap(err) from None
            self._packages[cmd.actor.scope] = package
            return package

    @submit_package.validator
    def _check_package(self, cmd: PackageCommand) -> None:
        if cmd.actor.role != Role.PROVINCE or cmd.actor.scope not in AUTHORITIES:
            raise refusal(Errors.FORBIDDEN, "only a recommending authority submits a package")
        if self._stage != "open":
            raise refusal(Errors.WRONG_STAGE, f"batch {self._start.code} is already published")
        if self._deadline is not None and workflow.now() >= self._deadline:
            raise refusal(
                Errors.DEADLINE_PASSED,
                f"the deadline of batch {self._start.code} was {deadline_text(self._deadline)}; "
                "packages are accepted only before it",
                message_zh=f"批次{self._start.code}的报送截止时间为{deadline_text(self._deadline)}，"
                "已逾期，不再接受报送",
                deadline=deadline_text(self._deadline),
            )
        done = self._packages.get(cmd.actor.scope)
        if done is not None:
            raise refusal(
                Errors.DUPLICATE,
                f"the package of {cmd.actor.scope} was submitted already at "
                f"{deadline_text(done.submitted_at)}",
                message_zh=f"{cmd.actor.scope}已于{deadline_text(done.submitted_at)}报送，不能重复报送",
            )

    @workflow.update
    async def publish(self, cmd: PublishCommand) -> BatchView:
        async with self._lock:
            self._check_publish(cmd)
            try:
                plan: PublicationPlan = await workflow.execute_activity(
                    Activities.REVIEW_PREPARE_PUBLICATION,
                    PublicationRequest(
                        batch=self._start.code,
                        publication_id=f"{self._start.code}:{workflow.uuid4().hex[:12]}",
                        actor=cmd.actor,
                        at=workflow.now(),
                    ),
                    result_type=PublicationPlan,
                    task_queue=self._queues.review,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=ACTIVITY_RETRY,
                )
            except ActivityError as err:
                raise unwrap(err) from None
            notice = PublicationNotice(
                publication_id=plan.publication_id, batch=plan.batch, published_at=plan.published_at
            )
            for i in range(0, len(plan.cases), FAN_OUT):
                await asyncio.gather(
                    *(
                        workflow.get_external_workflow_handle_for(
                            ApplicationWorkflow.run, application_workflow_id(case.application_id)
                        ).signal(ApplicationWorkflow.published, notice)
                        for case in plan.cases[i : i + FAN_OUT]
                    )
                )
            # Every review cycle after publication a triennial review starts (a Schedule).
            try:
                await workflow.execute_activity(
                    Activities.REVIEW_ENSURE_REREVIEW_SCHEDULE,
                    ReReviewScheduleRequest(
                        batch=self._start.code, rule_set=self._start.rule_set,
                        published_at=plan.published_at,
                    ),
                    task_queue=self._queues.review,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=ACTIVITY_RETRY,
                )
            except ActivityError as err:
                raise unwrap(err) from None
            self._plan = plan
            self._stage = "published"
            workflow.upsert_search_attributes([SearchAttributes.STAGE.value_set("published")])
            return self.view()

    @publish.validator
    def _check_publish(self, cmd: PublishCommand) -> None:
        if cmd.actor.role != Role.MINISTRY:
            raise refusal(Errors.FORBIDDEN, "only the ministry publishes the list")
        if self._stage != "open":
            raise refusal(Errors.DUPLICATE, f"batch {self._start.code} is already published")
