"""BatchWorkflow: one batch of the list, from opening to publication."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.workflow import ExternalWorkflowHandle

with workflow.unsafe.imports_passed_through():

    from shared.chinatime import deadline_text
    from shared.contracts.application import ApplicationCase, ExclusionNotice, PublicationNotice
    from shared.contracts.auth import Role
    from shared.contracts.batch import (
        BatchStage,
        BatchStart,
        BatchView,
        DeadlineReport,
        ExtendCommand,
        LodgeObjectionCommand,
        ObjectionNotice,
        PackageCommand,
        PackageRecord,
        PackageSubmitted,
        PlannedReminder,
        PublicationPlan,
        PublicationRequest,
        PublicityCommand,
        PublicityOpened,
        PublicityRequest,
        PublishCommand,
        ReminderPlan,
        ReminderPlanRequest,
        ReminderRequest,
        ResolveObjectionCommand,
    )
    from shared.contracts.listing import ReReviewScheduleRequest
    from shared.errors import ErrorCode, refusal
    from shared.regions import AUTHORITIES
    from shared.temporal import (
        Activities,
        SearchAttributes,
        application_workflow_id,
    )
    from workflows.application.workflow import ApplicationWorkflow
    from workflows.common import call_activity, in_slices, own_queues

S = BatchStage

DEADLINES_PATCH = "batch-deadlines-publicity"


@workflow.defn(name="BatchWorkflow")
class BatchWorkflow:
    """One batch, id `batch:{code}`.

    Until the deadline, the authorities that have not submitted their package are reminded at
    the rule set's offsets (calendar or Chinese working days, 09:00 China time); at the
    deadline the ministry is told who submitted nothing. The ministry may extend the
    deadline: the timers move, reminders already sent are not sent again. After review, the
    proposed list is public for the rule set's publicity days; objections lodged then must be
    resolved before publication; units with an upheld objection are left off the list.

    Updates: submit_package (an authority, once, strictly before the deadline),
      extend_deadline (ministry, while open), start_publicity (ministry, after the deadline),
      lodge_objection (anyone, during publicity), resolve_objection (ministry, once each),
      publish (ministry, after publicity, with no objection open).
    Signals: objection (lodged or resolved; what the review service sent before the updates,
      kept for running batches and their histories).
    Queries: view.
    Stages: open → reviewing → publicity → publicity_closed → published (terminal).
    """

    @workflow.init
    def __init__(self, start: BatchStart) -> None:
        self._start = start
        self._stage = S.OPEN
        self._plan: PublicationPlan | None = None
        self._queues = own_queues()
        self._lock = asyncio.Lock()
        self._deadline = start.deadline
        self._packages: dict[str, PackageSubmitted] = {}
        self._replan = True
        self._sent: set[str] = set()
        self._closes_at: datetime | None = None
        self._objections: set[int] = set()
        self._resolved: set[int] = set()
        self._runs_deadlines = False

    @workflow.run
    async def run(self, start: BatchStart) -> BatchView:
        workflow.upsert_search_attributes(
            [
                SearchAttributes.BATCH.value_set(start.code),
                SearchAttributes.STAGE.value_set(S.OPEN.value),
            ]
        )
        # Histories recorded before deadlines were run by the workflow wait for publication
        # straight away; new runs take the path below (patched, so both replay).
        self._runs_deadlines = workflow.patched(DEADLINES_PATCH)
        if self._runs_deadlines:
            await self._collect_packages()
            self._set_stage(S.REVIEWING)
            await workflow.wait_condition(lambda: self._stage != S.REVIEWING)
            if self._stage == S.PUBLICITY and self._closes_at is not None:
                await self._sleep_until(self._closes_at)
                self._set_stage(S.PUBLICITY_CLOSED)
        await workflow.wait_condition(lambda: self._stage == S.PUBLISHED)
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
            reminders_sent=sorted(self._sent),
            publicity_closes_at=self._closes_at,
            open_objections=sorted(self._objections),
        )

    # ----------------------------------------------------------------- deadline and reminders

    async def _collect_packages(self) -> None:
        """Remind at each planned instant until the deadline, then report who is missing."""
        if self._deadline is None:
            return
        plan: list[PlannedReminder] = []
        while workflow.now() < self._deadline:
            if self._replan:
                self._replan = False
                planned: ReminderPlan = await call_activity(
                    Activities.INTAKE_PLAN_REMINDERS,
                    ReminderPlanRequest(deadline=self._deadline, reminders=self._start.reminders),
                    self._queues.intake, ReminderPlan,
                )
                # Instants already past when planned (a batch opened late) are not sent.
                plan = [
                    r for r in planned.reminders
                    if r.at > workflow.now() and r.key not in self._sent
                ]
            due = sorted((r for r in plan if r.key not in self._sent), key=lambda r: r.at)
            target = due[0].at if due else self._deadline
            workflow.upsert_search_attributes([SearchAttributes.DUE_AT.value_set(target)])
            try:
                await workflow.wait_condition(
                    lambda: self._replan, timeout=max(target - workflow.now(), timedelta(0))
                )
            except TimeoutError:
                if due and workflow.now() >= due[0].at:
                    reminder = due[0]
                    await call_activity(
                        Activities.INTAKE_SEND_REMINDERS,
                        ReminderRequest(
                            batch=self._start.code, deadline=self._deadline,
                            amount=reminder.amount, unit=reminder.unit,
                            submitted=sorted(self._packages), at=workflow.now(),
                        ),
                        self._queues.intake,
                    )
                    self._sent.add(reminder.key)
        await call_activity(
            Activities.INTAKE_REPORT_MISSING_PACKAGES,
            DeadlineReport(
                batch=self._start.code, deadline=self._deadline,
                missing=sorted(set(AUTHORITIES) - set(self._packages)), at=workflow.now(),
            ),
            self._queues.intake,
        )

    @workflow.update
    async def extend_deadline(self, cmd: ExtendCommand) -> BatchView:
        self._check_extend(cmd)
        self._deadline = cmd.deadline
        self._replan = True
        return self.view()

    @extend_deadline.validator
    def _check_extend(self, cmd: ExtendCommand) -> None:
        if cmd.actor.role != Role.MINISTRY:
            raise refusal(
                ErrorCode.FORBIDDEN, "only the ministry extends a deadline",
                "只有工业和信息化部可以延长报送截止时间",
            )
        code = self._start.code
        if self._stage != S.OPEN or self._deadline is None:
            raise refusal(
                ErrorCode.WRONG_STAGE,
                f"batch {code} is {self._stage.value}: its deadline has passed",
                f"批次{code}处于“{self._stage.zh}”阶段，报送截止时间已过，不能延长",
            )
        if cmd.deadline.tzinfo is None or cmd.deadline <= self._deadline:
            deadline = deadline_text(self._deadline)
            raise refusal(
                ErrorCode.INVALID, f"the new deadline must be later than {deadline}",
                f"新的截止时间须晚于{deadline}", field="deadline",
            )

    # ----------------------------------------------------------------- publicity

    @workflow.update
    async def start_publicity(self, cmd: PublicityCommand) -> BatchView:
        async with self._lock:
            self._check_publicity(cmd)
            opened = workflow.now()
            closes = opened + timedelta(days=self._start.publicity_days)
            await call_activity(
                Activities.REVIEW_OPEN_PUBLICITY,
                PublicityRequest(
                    batch=self._start.code, actor=cmd.actor, opened_at=opened, closes_at=closes
                ),
                self._queues.review, PublicityOpened,
            )
            self._closes_at = closes
            self._set_stage(S.PUBLICITY)
            workflow.upsert_search_attributes([SearchAttributes.DUE_AT.value_set(closes)])
            return self.view()

    @start_publicity.validator
    def _check_publicity(self, cmd: PublicityCommand) -> None:
        if cmd.actor.role != Role.MINISTRY:
            raise refusal(
                ErrorCode.FORBIDDEN, "only the ministry opens the publicity period",
                "只有工业和信息化部可以启动公示",
            )
        code = self._start.code
        if self._stage == S.OPEN:
            until = deadline_text(self._deadline) if self._deadline else None
            raise refusal(
                ErrorCode.WRONG_STAGE,
                f"batch {code} is still open for packages until {until or '(no deadline)'}",
                f"批次{code}仍在接受报送" + (f"（截止{until}）" if until else "") + "，尚不能公示",
            )
        if self._stage != S.REVIEWING:
            raise refusal(
                ErrorCode.DUPLICATE, f"the publicity of batch {code} has started already",
                f"批次{code}已启动公示，不能重复启动",
            )

    @workflow.update
    async def lodge_objection(self, cmd: LodgeObjectionCommand) -> BatchView:
        # Under the lock, validated again: an update holding it (publish, awaiting its
        # activities) may have moved the batch on since this one was admitted.
        async with self._lock:
            self._check_lodge(cmd)
            self._objections.add(cmd.objection_id)
            return self.view()

    @lodge_objection.validator
    def _check_lodge(self, cmd: LodgeObjectionCommand) -> None:
        code = self._start.code
        if self._stage != S.PUBLICITY:
            raise refusal(
                ErrorCode.WRONG_STAGE,
                f"batch {code} is not in its publicity period ({self._stage.value})",
                f"批次{code}不在公示期内（“{self._stage.zh}”阶段），不能提出异议",
                stage=self._stage.value,
            )
        if cmd.objection_id in self._objections or cmd.objection_id in self._resolved:
            raise refusal(
                ErrorCode.DUPLICATE, f"objection {cmd.objection_id} was lodged already",
                f"异议{cmd.objection_id}已提出，不能重复提出",
            )

    @workflow.update
    async def resolve_objection(self, cmd: ResolveObjectionCommand) -> BatchView:
        # Validated again under the lock, like lodge_objection: the state the validator saw
        # may have changed while another update's activity held the lock.
        async with self._lock:
            self._check_resolve(cmd)
            self._objections.discard(cmd.objection_id)
            self._resolved.add(cmd.objection_id)
            return self.view()

    @resolve_objection.validator
    def _check_resolve(self, cmd: ResolveObjectionCommand) -> None:
        if cmd.actor.role != Role.MINISTRY:
            raise refusal(
                ErrorCode.FORBIDDEN, "only the ministry resolves an objection",
                "只有工业和信息化部可以处理异议",
            )
        if cmd.objection_id in self._resolved:
            raise refusal(
                ErrorCode.DUPLICATE, f"objection {cmd.objection_id} was resolved already",
                f"异议{cmd.objection_id}已处理，不能重复处理",
            )
        if cmd.objection_id not in self._objections:
            raise refusal(
                ErrorCode.NOT_FOUND,
                f"objection {cmd.objection_id} is not open against batch {self._start.code}",
                f"批次{self._start.code}没有待处理的异议{cmd.objection_id}",
            )

    @workflow.signal
    def objection(self, notice: ObjectionNotice) -> None:
        if notice.resolved:
            self._objections.discard(notice.objection_id)
            self._resolved.add(notice.objection_id)
        else:
            self._objections.add(notice.objection_id)

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def _case(case: ApplicationCase) -> ExternalWorkflowHandle[ApplicationWorkflow]:
        return workflow.get_external_workflow_handle_for(
            ApplicationWorkflow.run, application_workflow_id(case.application_id)
        )

    def _set_stage(self, stage: BatchStage) -> None:
        self._stage = stage
        workflow.upsert_search_attributes([SearchAttributes.STAGE.value_set(stage.value)])

    async def _sleep_until(self, moment: datetime) -> None:
        remaining = moment - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)

    @workflow.update
    async def submit_package(self, cmd: PackageCommand) -> PackageSubmitted:
        async with self._lock:
            self._check_package(cmd)
            package: PackageSubmitted = await call_activity(
                Activities.INTAKE_RECORD_PACKAGE,
                PackageRecord(
                    batch=self._start.code, region=cmd.actor.scope, actor=cmd.actor,
                    at=workflow.now(),
                ),
                self._queues.intake,
                PackageSubmitted,
            )
            self._packages[cmd.actor.scope] = package
            return package

    @submit_package.validator
    def _check_package(self, cmd: PackageCommand) -> None:
        if cmd.actor.role != Role.PROVINCE or cmd.actor.scope not in AUTHORITIES:
            raise refusal(
                ErrorCode.FORBIDDEN, "only a recommending authority submits a package",
                "只有推荐单位可以报送推荐汇总",
            )
        code = self._start.code
        if self._stage == S.PUBLISHED:
            raise refusal(
                ErrorCode.WRONG_STAGE, f"batch {code} is already published",
                f"批次{code}已发布，不再接受报送",
            )
        if self._deadline is not None and workflow.now() >= self._deadline:
            deadline = deadline_text(self._deadline)
            raise refusal(
                ErrorCode.DEADLINE_PASSED,
                f"the deadline of batch {code} was {deadline}; "
                "packages are accepted only before it",
                f"批次{code}的报送截止时间为{deadline}，已逾期，不再接受报送",
                deadline=deadline,
            )
        if self._stage != S.OPEN:
            raise refusal(
                ErrorCode.WRONG_STAGE, f"batch {code} is {self._stage.value}, not taking packages",
                f"批次{code}处于“{self._stage.zh}”阶段，不接受报送",
            )
        done = self._packages.get(cmd.actor.scope)
        if done is not None:
            at = deadline_text(done.submitted_at)
            raise refusal(
                ErrorCode.DUPLICATE,
                f"the package of {cmd.actor.scope} was submitted already at {at}",
                f"{AUTHORITIES[cmd.actor.scope].name_zh}已于{at}报送，不能重复报送",
            )

    @workflow.update
    async def publish(self, cmd: PublishCommand) -> BatchView:
        async with self._lock:
            self._check_publish(cmd)
            plan: PublicationPlan = await call_activity(
                Activities.REVIEW_PREPARE_PUBLICATION,
                PublicationRequest(
                    batch=self._start.code,
                    publication_id=f"{self._start.code}:{workflow.uuid4().hex[:12]}",
                    actor=cmd.actor,
                    at=workflow.now(),
                ),
                self._queues.review,
                PublicationPlan,
            )
            notice = PublicationNotice(
                publication_id=plan.publication_id, batch=plan.batch, published_at=plan.published_at
            )
            await in_slices(plan.cases, lambda case: self._case(case).signal(
                ApplicationWorkflow.published, notice))
            excluded = ExclusionNotice(
                publication_id=plan.publication_id,
                reason="an objection lodged during publicity was upheld",
            )
            await in_slices(plan.excluded, lambda case: self._case(case).signal(
                ApplicationWorkflow.excluded, excluded))
            # Every review cycle after publication a triennial review starts (a Schedule).
            await call_activity(
                Activities.REVIEW_ENSURE_REREVIEW_SCHEDULE,
                ReReviewScheduleRequest(
                    batch=self._start.code, rule_set=self._start.rule_set,
                    published_at=plan.published_at,
                ),
                self._queues.review,
            )
            self._plan = plan
            self._set_stage(S.PUBLISHED)
            return self.view()

    @publish.validator
    def _check_publish(self, cmd: PublishCommand) -> None:
        if cmd.actor.role != Role.MINISTRY:
            raise refusal(
                ErrorCode.FORBIDDEN, "only the ministry publishes the list",
                "只有工业和信息化部可以发布名单",
            )
        code = self._start.code
        if self._stage == S.PUBLISHED:
            raise refusal(
                ErrorCode.DUPLICATE, f"batch {code} is already published",
                f"批次{code}已发布，不能重复发布",
            )
        if self._runs_deadlines and self._stage != S.PUBLICITY_CLOSED:
            raise refusal(
                ErrorCode.WRONG_STAGE,
                f"batch {code} is {self._stage.value}: the list is published after its "
                "publicity period",
                f"批次{code}处于“{self._stage.zh}”阶段：名单须在公示期结束后发布",
            )
        if self._objections:
            open_ = sorted(self._objections)
            ids = ", ".join(str(o) for o in open_)
            raise refusal(
                ErrorCode.WRONG_STAGE, f"objections are still open: {ids}",
                f"尚有未处理的异议：{ids}", objections=open_,
            )
