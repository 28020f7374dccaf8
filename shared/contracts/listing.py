"""Listed units after publication: their workflow, removals, yearly reports, the triennial
review and spot checks."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from shared.contracts.auth import Principal
from shared.contracts.bounds import FreeText, Identifier
from shared.rules.model import Category


class RemovalReason(StrEnum):
    """The grounds the notice lists for a unit that no longer qualifies."""

    CANCELLED_OR_SUSPENDED = "cancelled_or_suspended"  # 注销、停产等
    ACCIDENT = "accident"  # 较大及以上安全、质量事故
    POLLUTION_INCIDENT = "pollution_incident"  # Ⅲ级（较大）及以上突发环境事件
    RECTIFICATION_UNFINISHED = "rectification_unfinished"  # 节能监察整改名单未完成整改
    DISHONEST = "dishonest"  # 失信被执行人
    SERIOUS_SUPERVISION_FINDING = "serious_supervision_finding"  # 监督检查发现严重问题
    NO_LONGER_MEETS_REQUIREMENTS = "no_longer_meets_requirements"  # 不再符合评价要求


REMOVAL_REASON_ZH = {
    RemovalReason.CANCELLED_OR_SUSPENDED: "注销、停产或被吊销",
    RemovalReason.ACCIDENT: "发生较大及以上生产安全和质量事故",
    RemovalReason.POLLUTION_INCIDENT: "发生Ⅲ级（较大）及以上突发环境事件",
    RemovalReason.RECTIFICATION_UNFINISHED: "列入工业节能监察整改名单且未按要求完成整改",
    RemovalReason.DISHONEST: "列入失信被执行人名单",
    RemovalReason.SERIOUS_SUPERVISION_FINDING: "在国务院及有关部委相关督查检查中发现严重问题",
    RemovalReason.NO_LONGER_MEETS_REQUIREMENTS: "不再符合绿色制造评价要求",
}


class ListedUnitRef(BaseModel):
    """A unit on a published list, as its workflow knows it."""

    application_id: str
    batch: str
    category: Category
    region: str
    name: str
    credit_code: str
    published_at: datetime
    legacy: bool = False


class ListingState(BaseModel):
    """ListingWorkflow input; carried over each continue-as-new (one run per year)."""

    unit: ListedUnitRef
    year: int = Field(description="the report year this run waits for")
    reports: list[int] = Field(default_factory=list, description="years whose report came in")


class Removal(BaseModel):
    actor: Principal
    reasons: list[RemovalReason] = Field(min_length=1)
    note: str = ""
    source: str = Field(default="ministry", description="ministry | rereview | spot_check")
    reference: str = Field(default="", description="re-review or spot-check id")


class RemovalRecord(BaseModel):
    unit: ListedUnitRef
    removal: Removal
    at: datetime


class UnitRemoved(BaseModel):
    """Payload of `review.unit.removed`."""

    application_id: str
    batch: str
    category: Category
    name: str
    credit_code: str
    region: str
    reasons: list[RemovalReason]
    note: str = ""
    source: str = "ministry"
    removed_at: datetime


class YearlyReportDue(BaseModel):
    """Payload of `review.yearly_report.due` (the unit's yearly green development report)."""

    application_id: str
    name: str
    credit_code: str
    region: str
    year: int
    due: date
    reminded_at: datetime | None = None


class YearlyReportSubmitted(BaseModel):
    """Signal to a listed unit's workflow: its yearly report for `year` is in."""

    year: int

    @model_validator(mode="before")
    @classmethod
    def _bare_year(cls, data: Any) -> Any:
        # The signal used to carry the year alone (a JSON number): running workflows and
        # their histories still hold such signals, and must decode them.
        if isinstance(data, int) and not isinstance(data, bool):
            return {"year": data}
        return data


class ListingView(BaseModel):
    unit: ListedUnitRef
    status: str
    year: int
    reports: list[int]
    removal: Removal | None = None


# ----------------------------------------------------------------------------- re-review


class ReReviewStart(BaseModel):
    """What the Schedule (or a simulation, the same way) starts a triennial review with."""

    batch: str
    response_days: int = 90
    reminder_days: list[int] = Field(default_factory=lambda: [30, 7, 1])


class ReReviewPlan(BaseModel):
    review_id: str
    batch: str
    deadline: datetime
    units: list[ListedUnitRef]


class ReReviewOpen(BaseModel):
    review_id: str
    batch: str
    opened_at: datetime
    deadline: datetime


class UnitCheck(BaseModel):
    application_id: Identifier
    outcome: str = Field(pattern="^(retained|removed)$", max_length=20)
    reasons: list[RemovalReason] = Field(default_factory=list, max_length=20)
    note: FreeText = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _reasons_for_removal(self) -> UnitCheck:
        if self.outcome == "removed" and not self.reasons:
            raise ValueError("a removal needs at least one reason")
        return self


class ReReviewReport(BaseModel):
    """An authority's on-site check results for all its listed units of the batch."""

    actor: Principal
    results: list[UnitCheck] = Field(min_length=1)


class ReReviewReportRecord(BaseModel):
    review_id: str
    batch: str
    region: str
    report: ReReviewReport
    at: datetime


class ReReviewReminder(BaseModel):
    review_id: str
    batch: str
    regions: list[str]
    deadline: datetime
    days_left: int
    at: datetime | None = None


class ReReviewOutcome(BaseModel):
    review_id: str
    batch: str
    retained: int
    removed: int
    regions_missing: list[str]
    completed_at: datetime


class ReReviewView(BaseModel):
    review_id: str
    batch: str
    deadline: datetime | None
    regions_pending: list[str]
    regions_reported: list[str]
    removed: list[str]
    stage: str


class ReReviewScheduleRequest(BaseModel):
    batch: str
    rule_set: str
    published_at: datetime


class LegacyRowReason(BaseModel):
    """Why a row of a legacy list was not imported (or what to know about it)."""

    field: str
    message: str
    message_zh: str


class LegacyRowReport(BaseModel):
    """What became of one line of a legacy list."""

    line: int
    status: str = Field(description="imported | already_present | rejected")
    application_id: str | None = None
    unit_id: str | None = Field(default=None, description="the unit this listing is of")
    credit_code_missing: bool = False
    reasons: list[LegacyRowReason] = Field(default_factory=list)
    message: str = ""
    message_zh: str = ""


class LegacyImportResult(BaseModel):
    imported: int
    already_present: int
    rejected: list[dict[str, object]] = Field(default_factory=list)
    batches: list[str] = Field(default_factory=list)
    credit_code_missing: int = Field(default=0, description="units for the authority to complete")
    rows: list[LegacyRowReport] = Field(default_factory=list)
    message: str = ""
    message_zh: str = ""


class ReReviewNotice(BaseModel):
    """Payload of `review.rereview.requested` and `review.rereview.reminder` (to one authority)."""

    review_id: str
    batch: str
    region: str
    deadline: datetime
    units: int
    days_left: int | None = None


class YearlyReportOut(BaseModel):
    """Payload of `review.yearly_report.submitted`, and the API's view of a yearly report."""

    application_id: str
    year: int
    url: str
    summary: str = ""
    submitted_at: datetime


class SpotCheckDrawn(BaseModel):
    """Payload of `review.spot_check.drawn`: the draw, so anyone can redo it."""

    id: str
    batch: str | None
    seed: int
    population: int
    sample: list[str]
