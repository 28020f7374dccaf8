"""Third-party evaluation agencies: registry data, qualification, evaluation reports,
supervision (spot checks, sanctions, bans). API bodies, activity inputs and event payloads.

New fields get defaults, so recorded workflow histories and queued events stay readable.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from shared.contracts.applicant import bilingual_error
from shared.contracts.bounds import FreeText, Name, SaneDate, ShortText
from shared.identifiers import CreditCode
from shared.rules.model import Category

Title = Literal["junior", "intermediate", "senior"]
TITLE_RANK: dict[str, int] = {"junior": 1, "intermediate": 2, "senior": 3}

RecordKind = Literal[
    "green_evaluation",  # led or took part in green-manufacturing evaluation / demonstration
    "provincial_research",  # provincial-level or higher research project
    "standard",  # national or industry standard drafting
    "policy",  # green-manufacturing policy work
]
RelationKind = Literal["parent", "subsidiary", "same_controller", "other"]


class StaffMember(BaseModel):
    """One person on the agency's roster. `major` is a related-major code of the rule set
    (e.g. ``energy``) or free text; free text counts only when it names a related major."""

    name: Name = Field(min_length=1, max_length=100)
    full_time: bool
    title: Title
    major: Name = Field(min_length=1, max_length=100)


class WorkRecord(BaseModel):
    """A piece of relevant work. `ended_on` None means still under way."""

    kind: RecordKind
    title: ShortText = Field(min_length=1, max_length=300)
    started_on: SaneDate
    ended_on: SaneDate | None = None

    @model_validator(mode="after")
    def _dates(self) -> WorkRecord:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise bilingual_error("date_order", "ended_on is before started_on",
                                  "结束日期早于开始日期")
        return self


class AgencyRegistration(BaseModel):
    """What an agency registers with (also the `agency.agency.registered` payload)."""

    credit_code: CreditCode
    name: Name = Field(min_length=2, max_length=200)
    legal_representative: Name = Field(default="", max_length=100)
    registered_in_prc: bool = False
    independent_legal_person: bool = False
    office_address: ShortText = Field(default="", max_length=300)
    financial_management_system: bool = False
    staff: list[StaffMember] = Field(default_factory=list, max_length=2000)
    records: list[WorkRecord] = Field(default_factory=list, max_length=500)


class Roster(BaseModel):
    """The staff roster (and, when given, the work record) replacing the current one."""

    staff: list[StaffMember] = Field(max_length=2000)
    records: list[WorkRecord] | None = Field(default=None, max_length=500)


class ConditionResult(BaseModel):
    """One qualification condition, met or not, and why (English and Chinese)."""

    code: str
    met: bool
    message: str
    message_zh: str


class Qualification(BaseModel):
    """The computed qualification of an agency against one rule set on one day."""

    agency_id: str
    rule_set: str
    assessed_on: date
    qualified: bool
    conditions: list[ConditionResult]


class QualificationChanged(BaseModel):
    """Payload of `agency.qualification.changed`."""

    agency_id: str
    qualification: Qualification


class RelationAdded(BaseModel):
    """Payload of `agency.relation.added`: groups (and so the cap) may have changed."""

    agency_id: str
    related_code: str
    kind: RelationKind
    declared_by: Literal["agency", "ministry"]


# ----------------------------------------------------------------------------- engagements


class EngagementStatus(StrEnum):
    """Where an engagement stands (the stored values)."""

    REQUESTED = "requested"  # entrusted by the applicant, awaiting the agency
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REPORTED = "reported"  # the agency's report is recorded


class EngagementView(BaseModel):
    """An engagement as it stands: the agency API's answer, and the payload of
    `agency.engagement.requested` and `agency.engagement.declined` (notify reads it)."""

    id: str
    application_id: str
    batch: str
    category: str
    applicant_credit_code: str
    agency_id: str
    status: EngagementStatus
    note: str
    requested_at: datetime
    decided_at: datetime | None
    rule_set: str = ""
    applicant_independence: dict[str, Any] | None = None
    agency_independence: dict[str, Any] | None = None


# ----------------------------------------------------------------------------- independence


class IndependenceDeclaration(BaseModel):
    """A party's declaration that the evaluation is independent of the self-evaluation."""

    declared: Literal[True] = Field(
        description="must be true: the party declares the agency took no part in preparing "
        "the applicant's self-evaluation and is not related to the applicant"
    )
    statement: FreeText = Field(default="", max_length=2000)


# ----------------------------------------------------------------------------- reports


class FactoryItemResult(BaseModel):
    """A second-level item: whether its mandatory requirements are all met, and the extra
    points its optional requirements earned."""

    mandatory_met: bool | None = None
    optional_points: float = Field(default=0.0, ge=0)


class FactoryEvaluation(BaseModel):
    kind: Literal["green_factory"] = "green_factory"
    basic_requirements: dict[str, bool]
    items: dict[str, FactoryItemResult]


class SupplyChainEvaluation(BaseModel):
    """Points per item of the 100-point table (a group without items is scored whole)."""

    kind: Literal["green_supply_chain"] = "green_supply_chain"
    scores: dict[str, Annotated[float, Field(ge=0)]]


class ParkYear(BaseModel):
    year: int = Field(ge=2000, le=2100)
    score: float = Field(ge=0, le=100)
    indicators: dict[str, float]


class ParkEvaluation(BaseModel):
    kind: Literal["green_park"] = "green_park"
    basic_requirements: dict[str, bool]
    years: list[ParkYear]


Evaluation = Annotated[
    FactoryEvaluation | SupplyChainEvaluation | ParkEvaluation, Field(discriminator="kind")
]


class ConditionStatement(BaseModel):
    """How the agency meets one agency condition, with its evidence."""

    condition: str
    statement: FreeText = Field(min_length=1, max_length=5000)
    evidence: list[str] = Field(default_factory=list, max_length=50)


class EvaluationReport(BaseModel):
    """The structured part of a third-party evaluation report."""

    evaluation: Evaluation
    conditions: list[ConditionStatement]
    summary: FreeText = Field(default="", max_length=5000)


class Assessment(BaseModel):
    """What the platform computed from a report: passed, score, and why it failed."""

    category: Category
    passed: bool
    score: float
    pass_mark: float
    failures: list[ConditionResult] = Field(default_factory=list)


class StoredFile(BaseModel):
    sha256: str
    size: int
    media_type: str
    filename: str


# ----------------------------------------------------------------------------- supervision


class FindingSeverity(StrEnum):
    """How grave a spot check's finding on an agency is; a serious one bans it."""

    MINOR = "minor"
    SERIOUS = "serious"


class AgencySpotCheckDrawn(BaseModel):
    """Payload of `agency.spot_check.drawn`: enough to redraw the sample."""

    spot_check_id: str
    batch: str
    seed: int
    population: list[str]
    sample: list[str]


class BanStart(BaseModel):
    """Input of `AgencyBanWorkflow` and of the activity that records the ban."""

    agency_id: str
    finding_id: str
    batch: str
    decided_at: datetime
    ends_at: datetime
    reason: str
    recorded: bool = False
    """True when the caller recorded the ban with its finding (in one transaction), so it is
    in force before the workflow runs; False in starts made before that (the workflow then
    records it, as it always did)."""


class BanRecorded(BaseModel):
    agency_id: str
    finding_id: str
    ends_at: datetime
    flagged_report_ids: list[int] = Field(default_factory=list)


class BanLift(BaseModel):
    agency_id: str
    finding_id: str
    lifted_at: datetime


class BanView(BaseModel):
    agency_id: str
    finding_id: str
    decided_at: datetime
    ends_at: datetime
    status: Literal["recording", "banned", "lifted"]
    lifted_at: datetime | None = None


class AgencySanctioned(BaseModel):
    """Payload of `agency.agency.sanctioned`."""

    agency_id: str
    finding_id: str
    batch: str
    decided_at: datetime
    ends_at: datetime
    reason: str
    flagged_report_ids: list[int] = Field(default_factory=list)


class AgencyBanLifted(BaseModel):
    """Payload of `agency.ban.lifted`."""

    agency_id: str
    finding_id: str
    lifted_at: datetime
