"""Review's HTTP bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.contracts.application import CaseView, MinistryDecision
from shared.contracts.bounds import (
    BatchCode,
    FreeText,
    Identifier,
    Name,
    SaneDatetime,
    Seed,
)
from shared.contracts.listing import RemovalReason, UnitCheck, YearlyReportOut
from shared.identifiers import CreditCode


class DecisionIn(BaseModel):
    decision: MinistryDecision
    reason: FreeText = Field(default="", max_length=2000)


class ListedUnitOut(BaseModel):
    application_id: str
    batch: str
    category: str
    region: str
    name: str
    credit_code: str
    status: str
    published_at: datetime
    legacy: bool = False
    removed_at: datetime | None = None
    removal: dict[str, Any] | None = None
    yearly_report: YearlyReportOut | None = None
    unit_id: str = Field(default="", description="the unit this listing is of (several "
                         "listings, one per category, can be of one unit)")
    credit_code_missing: bool = Field(
        default=False, description="listed without a credit code, for its authority to complete"
    )


class PublicList(BaseModel):
    total: int
    items: list[ListedUnitOut]


class HistoryItemOut(BaseModel):
    seq: int
    stage: str
    fact: str
    actor: str
    reason: str
    at: datetime
    event_id: str
    details: dict[str, Any]


class CaseStageOut(BaseModel):
    application_id: str
    batch: str
    category: str
    region: str
    applicant_name: str
    credit_code: str
    stage: str
    seq: int
    updated_at: datetime


class PendingActivityOut(BaseModel):
    activity_type: str
    attempt: int
    state: str
    last_failure: str | None = None


class OpsCaseOut(BaseModel):
    """Everything ops needs to see why a case is where it is."""

    application_id: str
    workflow_id: str
    read_model: CaseStageOut | None
    history: list[HistoryItemOut]
    workflow_status: str | None = None
    live: CaseView | None = None
    pending_activities: list[PendingActivityOut] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class RemovalIn(BaseModel):
    reasons: list[RemovalReason] = Field(min_length=1, max_length=20)
    note: FreeText = Field(default="", max_length=2000)


class YearlyReportIn(BaseModel):
    year: int = Field(ge=2016, le=2100)
    url: str = Field(pattern=r"^https?://", max_length=500)
    summary: FreeText = Field(default="", max_length=5000)


class ReReviewReportIn(BaseModel):
    results: list[UnitCheck] = Field(min_length=1, max_length=5000)


class ReReviewOut(BaseModel):
    id: str
    batch: str
    opened_at: datetime
    deadline: datetime
    status: str
    completed_at: datetime | None
    retained: int
    removed: int
    regions_missing: list[str]


class ScheduleOut(BaseModel):
    id: str
    paused: bool
    note: str | None
    time_zone: str | None
    next_action_times: list[datetime]
    recent_actions: list[datetime]
    workflow_type: str
    workflow_id: str


class SpotCheckIn(BaseModel):
    batch: BatchCode | None = None
    seed: Seed | None = Field(
        default=None, description="omit for a fresh random seed; it is recorded"
    )


class SpotCheckOut(BaseModel):
    id: str
    batch: str | None
    seed: int
    population: int
    sample: list[str]
    actor: str
    drawn_at: datetime


class FindingIn(BaseModel):
    application_id: Identifier
    qualifies: bool
    finding: FreeText = Field(min_length=1, max_length=5000)
    reasons: list[RemovalReason] = Field(default_factory=list, max_length=20)


class FindingOut(BaseModel):
    id: int
    spot_check_id: str
    application_id: str
    qualifies: bool
    finding: str
    reasons: list[str]
    actor: str
    recorded_at: datetime
    removal_status: str | None = None


class InformationRequestIn(BaseModel):
    question: FreeText = Field(min_length=1, max_length=5000)
    due: SaneDatetime = Field(
        description="when the authority must answer, with its offset (+08:00)"
    )


class ObjectionIn(BaseModel):
    application_id: Identifier
    lodged_by: Name = Field(min_length=1, description="name of the person or body objecting")
    contact: Name = Field(default="")
    grounds: FreeText = Field(min_length=5, max_length=10000)


class ObjectionResolutionIn(BaseModel):
    upheld: bool
    resolution: FreeText = Field(min_length=1, max_length=5000)


class ProposedUnitOut(BaseModel):
    application_id: str
    category: str
    region: str
    name: str
    credit_code: str


class CreditCodeIn(BaseModel):
    credit_code: CreditCode


class UnitListings(BaseModel):
    unit_id: str
    listings: list[ListedUnitOut]
