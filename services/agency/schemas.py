"""Agency's HTTP bodies (the shared contracts, `EngagementView` among them, are in
`shared.contracts.agency`). The spot checks and findings here are of agencies; review has its
own, of listed units."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.contracts.agency import (
    Assessment,
    EngagementView,
    FindingSeverity,
    IndependenceDeclaration,
    Qualification,
    RelationKind,
    StoredFile,
)
from shared.contracts.bounds import BatchCode, FreeText, Identifier, RowId, Seed
from shared.identifiers import CreditCode


class AgencyOut(BaseModel):
    id: str
    name: str
    profile: dict[str, Any]
    qualification: dict[str, Any] = Field(default_factory=dict)
    qualified: bool = False
    registered_at: datetime
    banned_until: datetime | None = None


class QualificationOut(Qualification):
    """The qualification computed now; `stored` is the one recorded at the last change."""

    stored: dict[str, Any] = Field(default_factory=dict)


class RelationIn(BaseModel):
    related_code: CreditCode
    kind: RelationKind
    note: FreeText = Field(default="", max_length=2000)


class RelationOut(BaseModel):
    id: int
    agency_id: str
    related_code: str
    kind: str
    declared_by: str
    note: str
    created_at: datetime


class GroupOut(BaseModel):
    """The agencies and other legal persons related to one agency, transitively, and the
    projects the group carries in `batch` (when asked)."""

    agency_id: str
    members: list[str]
    entities: list[str]
    relations: list[RelationOut]
    batch: str | None = None
    projects: dict[str, int] = Field(default_factory=dict)
    total: int = 0


class PreparerIn(BaseModel):
    credit_code: CreditCode


class PreparerOut(BaseModel):
    application_id: str
    credit_code: str


class EngagementCreate(BaseModel):
    application_id: Identifier
    agency_id: Identifier
    independence: IndependenceDeclaration
    self_evaluation_prepared_by: CreditCode | None = Field(
        default=None,
        description="credit code of whoever prepared the self-evaluation, if not the applicant",
    )


class AcceptanceIn(BaseModel):
    accept: bool = True
    note: FreeText = Field(default="", max_length=2000)
    independence: IndependenceDeclaration | None = Field(
        default=None, description="required to accept: the agency's declaration of independence"
    )


class ReportSubmitted(BaseModel):
    engagement: EngagementView
    assessment: Assessment
    file: StoredFile


class ReportOut(BaseModel):
    id: int
    engagement_id: str
    application_id: str
    agency_id: str
    batch: str
    category: str
    passed: bool
    score: float | None
    summary: str
    file_sha256: str
    flagged_for_review: bool
    flag_reason: str
    submitted_at: datetime


class AgencySpotCheckIn(BaseModel):
    batch: BatchCode
    seed: Seed | None = Field(default=None,
                              description="reproduces a draw; a fresh one is chosen when absent")


class AgencyFindingIn(BaseModel):
    agency_id: Identifier
    severity: FindingSeverity
    description: FreeText = Field(min_length=1, max_length=5000)
    report_ids: list[RowId] = Field(default_factory=list, max_length=500)


class AgencyFindingOut(BaseModel):
    id: str
    spot_check_id: str
    agency_id: str
    severity: FindingSeverity
    description: str
    report_ids: list[int]
    decided_at: datetime
    ban_workflow_id: str | None
    ban_ends_at: datetime | None = None


class AgencySpotCheckOut(BaseModel):
    id: str
    batch: str
    rule_set: str
    seed: int
    population: list[str]
    sample: list[str]
    report_ids: list[int]
    drawn_by: str
    drawn_at: datetime
    findings: list[AgencyFindingOut] = Field(default_factory=list)
