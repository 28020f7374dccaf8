"""ApplicationWorkflow: one application from draft to listed unit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from shared.chinatime import china_date, deadline_text
    from shared.contracts.application import (
        TERMINAL_STAGES,
        AcceptEngagementCommand,
        ApplicationCase,
        CaseView,
        DecisionCommand,
        EngagementRecord,
        EntrustCommand,
        ExclusionNotice,
        InformationAnswer,
        InformationRequest,
        ListingRecord,
        PublicationNotice,
        RecommendationCommand,
        ReportCommand,
        ReportRecord,
        Stage,
        StageTransition,
        SubmissionRecord,
        SubmitCommand,
        TransitionRecord,
    )
    from shared.contracts.auth import Principal, Role
    from shared.contracts.events import Facts
    from shared.contracts.listing import ListedUnitRef, ListingState
    from shared.errors import ErrorCode, refusal
    from shared.temporal import (
        Activities,
        SearchAttributes,
        application_workflow_id,
        listing_workflow_id,
    )
    from workflows.common import CATEGORY_ZH, ROLE_ZH, call_activity, own_queues, who_zh
    from workflows.listing.workflow import ListingWorkflow

LISTING_STARTED_BY_REVIEW = "listing-started-by-review"
SYSTEM = Principal(role=Role.OPS, scope="system", name="workflow")


@workflow.defn(name="ApplicationWorkflow")
class ApplicationWorkflow:
    """One application's lifecycle, id `application:{id}`.

    Updates (human decisions; validators refuse wrong stage, wrong actor, duplicates):
      submit (applicant), entrust (applicant: an agency may be engaged, recorded by the
      agency service once accepted), accept_engagement (agency), submit_report (agency),
      recommend (province: recommend / return / reject), decide (ministry: approve / reject).
    Signals: published (from the batch's workflow when the list is published).
    Queries: view.
    Stages: draft → evaluation (not for design products) → recommendation → ministry_review →
      approved → published → listed. A return sends it back to draft.
    Terminal states: listed, rejected (by the authority, the evaluation or the ministry).
    """

    @workflow.init
    def __init__(self, case: ApplicationCase) -> None:
        self._case = case
        self._stage = Stage.DRAFT
        self._history: list[StageTransition] = []
        self._engagement_id: str | None = None
        self._agency_id: str | None = None
        self._publication: PublicationNotice | None = None
        self._exclusion: ExclusionNotice | None = None
        self._due: datetime | None = None
        self._lock = asyncio.Lock()
        self._queues = own_queues()

    @workflow.run
    async def run(self, case: ApplicationCase) -> CaseView:
        self._upsert_search_attributes()
        await workflow.wait_condition(
            lambda: self._stage in TERMINAL_STAGES
            or (self._stage == Stage.APPROVED and self._publication is not None)
            or (self._stage == Stage.APPROVED and self._exclusion is not None)
        )
        if self._stage == Stage.APPROVED and self._exclusion is not None:
            async with self._lock:
                exclusion = self._exclusion
                await self._move(
                    Stage.REJECTED, Facts.APPLICATION_EXCLUDED, SYSTEM, exclusion.reason,
                    Activities.REVIEW_RECORD_TRANSITION, self._queues.review,
                    lambda t: TransitionRecord(
                        case=self._case, transition=t,
                        details={"publication_id": exclusion.publication_id},
                    ),
                )
        if self._stage == Stage.APPROVED and self._publication is not None:
            async with self._lock:
                notice = self._publication
                for stage, fact in (
                    (Stage.PUBLISHED, Facts.APPLICATION_PUBLISHED),
                    (Stage.LISTED, Facts.APPLICATION_LISTED),
                ):
                    await self._move(
                        stage,
                        fact,
                        SYSTEM,
                        "",
                        Activities.REVIEW_RECORD_LISTING,
                        self._queues.review,
                        lambda t: ListingRecord(
                            case=self._case, transition=t, publication_id=notice.publication_id
                        ),
                    )
                # The listed unit lives on in its own workflow for years; this case is done.
                # New runs have the review service start it (from the `listed` activity), so it
                # is no child of this case; histories recorded before that start it here.
                if not workflow.patched(LISTING_STARTED_BY_REVIEW):
                    await workflow.start_child_workflow(
                        ListingWorkflow.run,
                        ListingState(
                            unit=ListedUnitRef(
                                application_id=case.application_id, batch=case.batch,
                                category=case.category, region=case.region,
                                name=case.applicant_name, credit_code=case.credit_code,
                                published_at=notice.published_at,
                            ),
                            year=china_date(notice.published_at).year,
                        ),
                        id=listing_workflow_id(case.application_id),
                        task_queue=workflow.info().task_queue,
                        parent_close_policy=ParentClosePolicy.ABANDON,
                    )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._view()

    # ----------------------------------------------------------------- queries and signals

    @workflow.query
    def view(self) -> CaseView:
        return self._view()

    @workflow.signal
    def excluded(self, notice: ExclusionNotice) -> None:
        # An objection against this unit was upheld during publicity: it stays off the list.
        if self._stage == Stage.APPROVED and self._publication is None and self._exclusion is None:
            self._exclusion = notice

    @workflow.signal
    def published(self, notice: PublicationNotice) -> None:
        # A signal, not an update: the batch fans out to hundreds of cases and needs only the
        # server's acknowledgement. A notice for a case not approved is ignored.
        if self._stage == Stage.APPROVED and self._publication is None:
            self._publication = notice

    # ----------------------------------------------------------------- updates
    #
    # Every handler takes the case's lock and runs its validator again before acting. The
    # validator ran when the update was admitted, but the handler may then have waited for the
    # lock while another update's activity was recording a transition: by the time it runs,
    # the stage or the engagement may have changed, and only the check under the lock sees
    # the state the handler acts on. (A refusal raised there fails the update the same way.)

    @workflow.update
    async def submit(self, cmd: SubmitCommand) -> CaseView:
        async with self._lock:
            self._check_submit(cmd)
            stage = Stage.EVALUATION if self._case.needs_evaluation else Stage.RECOMMENDATION
            await self._move(
                stage,
                Facts.APPLICATION_SUBMITTED,
                cmd.actor,
                "",
                Activities.INTAKE_RECORD_SUBMISSION,
                self._queues.intake,
                # The declarations travel with the submission: intake checks eligibility
                # with them in the same transaction that records the submission.
                lambda t: SubmissionRecord(
                    case=self._case, transition=t, declarations=cmd.declarations
                ),
            )
            return self._view()

    @submit.validator
    def _check_submit(self, cmd: SubmitCommand) -> None:
        self._require_actor(cmd.actor, Role.APPLICANT, self._case.credit_code)
        self._require_stage(Stage.DRAFT, "submit", "提交申报", {Facts.APPLICATION_SUBMITTED})

    @workflow.update
    async def accept_engagement(self, cmd: AcceptEngagementCommand) -> CaseView:
        async with self._lock:
            self._check_accept(cmd)
            await self._move(
                Stage.EVALUATION,
                Facts.ENGAGEMENT_ACCEPTED,
                cmd.actor,
                "",
                Activities.AGENCY_RECORD_ACCEPTANCE,
                self._queues.agency,
                lambda t: EngagementRecord(
                    case=self._case,
                    transition=t,
                    engagement_id=cmd.engagement_id,
                    agency_id=cmd.agency_id,
                    independence=cmd.independence,
                ),
            )
            self._engagement_id, self._agency_id = cmd.engagement_id, cmd.agency_id
            return self._view()

    @accept_engagement.validator
    def _check_accept(self, cmd: AcceptEngagementCommand) -> None:
        self._require_actor(cmd.actor, Role.AGENCY, cmd.agency_id)
        self._require_evaluation("accept an engagement", "接受委托")

    @workflow.update
    async def entrust(self, cmd: EntrustCommand) -> CaseView:
        """The applicant may engage `cmd.agency_id`: answers the case as it stands, and the
        agency service records the engagement request after this accepted it."""
        async with self._lock:
            self._check_entrust(cmd)
            return self._view()

    @entrust.validator
    def _check_entrust(self, cmd: EntrustCommand) -> None:
        if cmd.actor.role != Role.APPLICANT or cmd.actor.scope != self._case.credit_code:
            # Another applicant learns nothing of this case, not even that it exists.
            application_id = self._case.application_id
            raise refusal(
                ErrorCode.NOT_FOUND, f"application {application_id} not found",
                f"未找到申报{application_id}",
            )
        self._require_evaluation("entrust an agency", "委托评价机构")

    def _require_evaluation(self, action: str, action_zh: str) -> None:
        """The case awaits its third-party evaluation and no engagement is accepted yet."""
        if not self._case.needs_evaluation:
            category = self._case.category
            raise refusal(
                ErrorCode.WRONG_STAGE, f"a {category.value} needs no third-party evaluation",
                f"{CATEGORY_ZH[category]}申报无需第三方评价",
            )
        self._require_stage(Stage.EVALUATION, action, action_zh, set())
        if self._engagement_id is not None:
            raise refusal(
                ErrorCode.DUPLICATE,
                f"engagement {self._engagement_id} of agency {self._agency_id} is already accepted",
                f"评价机构{self._agency_id}已接受委托（{self._engagement_id}），不能重复委托",
                engagement_id=self._engagement_id,
            )

    @workflow.update
    async def submit_report(self, cmd: ReportCommand) -> CaseView:
        async with self._lock:
            self._check_report(cmd)
            stage = Stage.RECOMMENDATION if cmd.passed else Stage.REJECTED
            reason = "" if cmd.passed else f"third-party evaluation failed: {cmd.summary}".strip()
            await self._move(
                stage,
                Facts.REPORT_SUBMITTED,
                cmd.actor,
                reason,
                Activities.AGENCY_RECORD_REPORT,
                self._queues.agency,
                lambda t: ReportRecord(case=self._case, transition=t, report=cmd),
            )
            return self._view()

    @submit_report.validator
    def _check_report(self, cmd: ReportCommand) -> None:
        self._require_actor(cmd.actor, Role.AGENCY, cmd.agency_id)
        self._require_stage(
            Stage.EVALUATION, "submit a report", "提交评价报告", {Facts.REPORT_SUBMITTED}
        )
        if self._engagement_id is None:
            raise refusal(
                ErrorCode.WRONG_STAGE, "no engagement has been accepted for this application",
                "该申报尚无评价机构接受委托",
            )
        if cmd.engagement_id != self._engagement_id or cmd.agency_id != self._agency_id:
            raise refusal(
                ErrorCode.FORBIDDEN,
                f"this application is evaluated under engagement {self._engagement_id}, "
                f"not {cmd.engagement_id}",
                f"该申报由委托{self._engagement_id}进行评价，而非委托{cmd.engagement_id}",
            )

    @workflow.update
    async def recommend(self, cmd: RecommendationCommand) -> CaseView:
        async with self._lock:
            self._check_recommend(cmd)
            stage, fact = {
                "recommend": (Stage.MINISTRY_REVIEW, Facts.APPLICATION_RECOMMENDED),
                "return": (Stage.DRAFT, Facts.APPLICATION_RETURNED),
                "reject": (Stage.REJECTED, Facts.APPLICATION_NOT_RECOMMENDED),
            }[cmd.decision]
            await self._move(
                stage,
                fact,
                cmd.actor,
                cmd.reason,
                Activities.INTAKE_RECORD_RECOMMENDATION,
                self._queues.intake,
                lambda t: TransitionRecord(case=self._case, transition=t),
            )
            if stage == Stage.DRAFT:
                # A returned application is evaluated afresh when it comes back.
                self._engagement_id = self._agency_id = None
            return self._view()

    @recommend.validator
    def _check_recommend(self, cmd: RecommendationCommand) -> None:
        self._require_actor(cmd.actor, Role.PROVINCE, self._case.region)
        if cmd.decision != "recommend" and not cmd.reason.strip():
            raise refusal(
                ErrorCode.INVALID, f"a reason is required to {cmd.decision}",
                "退回或不予推荐须说明理由", field="reason",
            )
        self._require_stage(
            Stage.RECOMMENDATION,
            "decide on a recommendation",
            "作出推荐决定",
            {Facts.APPLICATION_RECOMMENDED, Facts.APPLICATION_NOT_RECOMMENDED},
        )

    @workflow.update
    async def decide(self, cmd: DecisionCommand) -> CaseView:
        async with self._lock:
            self._check_decide(cmd)
            stage, fact = {
                "approve": (Stage.APPROVED, Facts.APPLICATION_APPROVED),
                "reject": (Stage.REJECTED, Facts.APPLICATION_REJECTED),
            }[cmd.decision]
            await self._move(
                stage,
                fact,
                cmd.actor,
                cmd.reason,
                Activities.REVIEW_RECORD_DECISION,
                self._queues.review,
                lambda t: TransitionRecord(case=self._case, transition=t),
            )
            return self._view()

    @decide.validator
    def _check_decide(self, cmd: DecisionCommand) -> None:
        self._require_actor(cmd.actor, Role.MINISTRY, None)
        if cmd.decision == "reject" and not cmd.reason.strip():
            raise refusal(
                ErrorCode.INVALID, "a reason is required to reject", "不予通过须说明理由",
                field="reason",
            )
        self._require_stage(
            Stage.MINISTRY_REVIEW,
            "decide",
            "作出审核决定",
            {Facts.APPLICATION_APPROVED, Facts.APPLICATION_REJECTED},
        )

    @workflow.update
    async def request_information(self, cmd: InformationRequest) -> CaseView:
        async with self._lock:
            self._check_request_information(cmd)
            await self._move(
                Stage.INFORMATION_REQUESTED, Facts.INFORMATION_REQUESTED, cmd.actor, cmd.question,
                Activities.REVIEW_RECORD_TRANSITION, self._queues.review,
                lambda t: TransitionRecord(case=self._case, transition=t,
                                           details={"due": cmd.due.isoformat()}),
            )
            self._due = cmd.due
            self._upsert_search_attributes()
            return self._view()

    @request_information.validator
    def _check_request_information(self, cmd: InformationRequest) -> None:
        self._require_actor(cmd.actor, Role.MINISTRY, None)
        if not cmd.question.strip():
            raise refusal(
                ErrorCode.INVALID, "say what information is needed", "请说明需要补充的材料",
                field="question",
            )
        if cmd.due <= workflow.now():
            raise refusal(
                ErrorCode.INVALID, "the due date must be in the future", "答复期限须晚于当前时间",
                field="due",
            )
        self._require_stage(
            Stage.MINISTRY_REVIEW, "ask for more information", "要求补充材料", set()
        )

    @workflow.update
    async def provide_information(self, cmd: InformationAnswer) -> CaseView:
        async with self._lock:
            self._check_provide_information(cmd)
            await self._move(
                Stage.MINISTRY_REVIEW, Facts.INFORMATION_PROVIDED, cmd.actor, cmd.answer,
                Activities.INTAKE_RECORD_TRANSITION, self._queues.intake,
                lambda t: TransitionRecord(case=self._case, transition=t),
            )
            self._due = None
            self._upsert_search_attributes()
            return self._view()

    @provide_information.validator
    def _check_provide_information(self, cmd: InformationAnswer) -> None:
        self._require_actor(cmd.actor, Role.PROVINCE, self._case.region)
        if not cmd.answer.strip():
            raise refusal(
                ErrorCode.INVALID, "the answer is empty", "答复内容不能为空", field="answer"
            )
        self._require_stage(
            Stage.INFORMATION_REQUESTED, "answer", "答复补充材料要求", {Facts.INFORMATION_PROVIDED}
        )

    # ----------------------------------------------------------------- internals

    def _require_actor(self, actor: Principal, role: Role, scope: str | None) -> None:
        if actor.role != role:
            raise refusal(
                ErrorCode.FORBIDDEN,
                f"only the {role.value} may do this, not the {actor.role.value}",
                f"只有{ROLE_ZH[role]}可以执行此操作，{ROLE_ZH[actor.role]}不能",
            )
        if scope is not None and actor.scope != scope:
            raise refusal(
                ErrorCode.FORBIDDEN, f"this application is outside the scope of {actor.label()}",
                f"该申报不在{who_zh(actor)}的职责范围内",
            )

    def _require_stage(
        self, stage: Stage, action: str, action_zh: str, duplicate_facts: set[str]
    ) -> None:
        if self._stage == stage:
            return
        if self._history and self._history[-1].fact in duplicate_facts:
            last = self._history[-1]
            at = deadline_text(last.at)
            raise refusal(
                ErrorCode.DUPLICATE,
                f"already decided: {last.fact.rsplit('.', 1)[-1]} by {last.actor.label()}"
                f" at {last.at.isoformat()}",
                f"已于{at}由{who_zh(last.actor)}办理，不能重复{action_zh}",
            )
        raise refusal(
            ErrorCode.WRONG_STAGE,
            f"cannot {action}: the application is in stage {self._stage.value}",
            f"申报处于“{self._stage.zh}”阶段，不能{action_zh}",
            stage=self._stage.value,
        )

    async def _move(
        self,
        stage: Stage,
        fact: str,
        actor: Principal,
        reason: str,
        activity: str,
        task_queue: str,
        record: Callable[[StageTransition], BaseModel],
    ) -> None:
        """Persist one transition through the owning service's activity, then take it."""
        transition = StageTransition(
            seq=len(self._history) + 1,
            stage=stage,
            fact=fact,
            actor=actor,
            reason=reason,
            at=workflow.now(),
        )
        await call_activity(activity, record(transition), task_queue)
        self._history.append(transition)
        self._stage = stage
        self._upsert_search_attributes()

    def _upsert_search_attributes(self) -> None:
        workflow.upsert_search_attributes(
            [
                SearchAttributes.BATCH.value_set(self._case.batch),
                SearchAttributes.CATEGORY.value_set(self._case.category.value),
                SearchAttributes.REGION.value_set(self._case.region),
                SearchAttributes.STAGE.value_set(self._stage.value),
                # Ops find overdue answers by `GlDueAt < now`.
                SearchAttributes.DUE_AT.value_set(self._due)
                if self._due
                else SearchAttributes.DUE_AT.value_unset(),
            ]
        )

    def _view(self) -> CaseView:
        return CaseView(
            case=self._case,
            workflow_id=application_workflow_id(self._case.application_id),
            stage=self._stage,
            seq=len(self._history),
            history=list(self._history),
            engagement_id=self._engagement_id,
            agency_id=self._agency_id,
            publication_id=self._publication.publication_id if self._publication else None,
        )


