"""An application's case: its identity, stages, and the commands people send to its workflow."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.agency import IndependenceDeclaration
from shared.contracts.auth import Principal
from shared.rules.model import Category


class Stage(StrEnum):
    DRAFT = "draft"
    EVALUATION = "evaluation"  # third-party evaluation (factory, park, supply chain)
    RECOMMENDATION = "recommendation"  # with the provincial authority
    MINISTRY_REVIEW = "ministry_review"
    INFORMATION_REQUESTED = "information_requested"  # back with the authority, due by a date
    APPROVED = "approved"  # awaiting publication
    PUBLISHED = "published"
    LISTED = "listed"  # a listed unit under management
    REJECTED = "rejected"

    @property
    def zh(self) -> str:
        """The stage as officials call it (refusals and pages)."""
        return _STAGE_ZH[self]


_STAGE_ZH = {
    Stage.DRAFT: "草稿",
    Stage.EVALUATION: "第三方评价",
    Stage.RECOMMENDATION: "推荐单位审核",
    Stage.MINISTRY_REVIEW: "工业和信息化部审核",
    Stage.INFORMATION_REQUESTED: "补充材料",
    Stage.APPROVED: "已通过审核、待公布",
    Stage.PUBLISHED: "已公布",
    Stage.LISTED: "已列入名单",
    Stage.REJECTED: "未通过",
}


TERMINAL_STAGES = frozenset({Stage.LISTED, Stage.REJECTED})


class ApplicationCase(BaseModel):
    """What the workflow knows of an application: its key facts, no personal data beyond them."""

    application_id: str
    batch: str
    category: Category
    region: str
    applicant_name: str
    credit_code: str
    needs_evaluation: bool = True


class StageTransition(BaseModel):
    """One move of a case, numbered so projections can ignore stale or repeated events."""

    seq: int
    stage: Stage
    fact: str
    actor: Principal
    reason: str = ""
    at: datetime


class ApplicationStageChanged(BaseModel):
    """Payload of every `*.application.*` event."""

    case: ApplicationCase
    transition: StageTransition
    details: dict[str, Any] = Field(default_factory=dict)


class CaseView(BaseModel):
    """The workflow's answer to queries and updates."""

    case: ApplicationCase
    workflow_id: str
    stage: Stage
    seq: int
    history: list[StageTransition]
    engagement_id: str | None = None
    agency_id: str | None = None
    publication_id: str | None = None


class ExclusionKind(StrEnum):
    """The exclusion conditions of the notice; each is a list authorities upload and a
    statement the applicant makes."""

    MAJOR_ACCIDENT = "major_accident"
    """production-safety or quality accident of "major" magnitude or above"""
    POLLUTION_INCIDENT = "pollution_incident"
    """sudden environmental pollution incident of level III ("larger") or above"""
    SUPERVISION_FINDING = "supervision_finding"
    """serious problems found in State Council / ministry supervision"""
    ENERGY_RECTIFICATION = "energy_rectification"
    """on the industrial energy-conservation supervision rectification list, not rectified"""
    DISHONEST_ENFORCEMENT = "dishonest_enforcement"
    """listed as a dishonest person subject to enforcement"""


class ExclusionDeclarations(BaseModel):
    """The applicant's statement on each exclusion condition, within the rule set's window
    (three years in 2020). `true` means the condition applies to the applicant. Every field
    is required: an applicant must answer each one."""

    model_config = ConfigDict(extra="forbid")

    major_accident: bool
    pollution_incident: bool
    supervision_finding: bool
    energy_rectification: bool
    dishonest_enforcement: bool


class SubmitCommand(BaseModel):
    actor: Principal
    declarations: ExclusionDeclarations | None = None


class EligibilityReason(BaseModel):
    """One reason an application cannot be recommended, with its evidence."""

    code: str
    message: str
    message_zh: str
    field: str | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)


class EligibilityResult(BaseModel):
    """The eligibility check of one application: eligible when there is no reason against.
    `notes` are facts worth a reader's attention that do not make it ineligible (e.g. a
    rule value not yet confirmed against its standard)."""

    application_id: str
    eligible: bool
    reasons: list[EligibilityReason] = Field(default_factory=list)
    notes: list[EligibilityReason] = Field(default_factory=list)
    rule_set: str
    trigger: str
    checked_at: datetime


class EntrustCommand(BaseModel):
    """The applicant entrusts an agency with its third-party evaluation (the `entrust` update;
    the agency service records the engagement once the case's workflow accepted it)."""

    actor: Principal
    agency_id: str


class AcceptEngagementCommand(BaseModel):
    actor: Principal
    engagement_id: str
    agency_id: str
    independence: IndependenceDeclaration | None = None
    """The agency's declaration of independence, stored with the acceptance."""


class ReportCommand(BaseModel):
    actor: Principal
    engagement_id: str
    agency_id: str
    passed: bool
    score: float | None = None
    summary: str = ""
    details: dict[str, Any] = Field(default_factory=dict)


RecommendationDecision = Literal["recommend", "return", "reject"]


class MinistryDecision(StrEnum):
    """What the ministry decides on a recommended application (`DecisionCommand`)."""

    APPROVE = "approve"
    REJECT = "reject"


class DecisionKind(StrEnum):
    """A decision as review records it: the ministry's, or an approval an upheld objection
    kept off the published list."""

    APPROVE = MinistryDecision.APPROVE.value
    REJECT = MinistryDecision.REJECT.value
    EXCLUDED = "excluded"


class RecommendationCommand(BaseModel):
    actor: Principal
    decision: RecommendationDecision
    reason: str = ""


class DecisionCommand(BaseModel):
    actor: Principal
    decision: MinistryDecision
    reason: str = ""


class PublicationNotice(BaseModel):
    """Signal from the batch's workflow: this application is on the published list."""

    publication_id: str
    batch: str
    published_at: datetime


# Activity inputs: the transition plus what the owning service needs to persist it.


class TransitionRecord(BaseModel):
    case: ApplicationCase
    transition: StageTransition
    details: dict[str, Any] = Field(default_factory=dict)


class SubmissionRecord(TransitionRecord):
    """A submission: the transition and the applicant's declarations on the exclusions."""

    declarations: ExclusionDeclarations | None = None


class EngagementRecord(BaseModel):
    case: ApplicationCase
    transition: StageTransition
    engagement_id: str
    agency_id: str
    independence: IndependenceDeclaration | None = None


class ReportRecord(BaseModel):
    case: ApplicationCase
    transition: StageTransition
    report: ReportCommand


class ListingRecord(BaseModel):
    case: ApplicationCase
    transition: StageTransition
    publication_id: str


class InformationRequest(BaseModel):
    """The ministry sends a recommended application back to its authority for more information."""

    actor: Principal
    question: str
    due: datetime


class InformationAnswer(BaseModel):
    actor: Principal
    answer: str


class ExclusionNotice(BaseModel):
    """Signal from the batch: approved, but left off the published list (objection upheld)."""

    publication_id: str
    reason: str
