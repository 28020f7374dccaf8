"""Intake's HTTP bodies. Cross-service contracts live in `shared.contracts`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from shared.contracts.applicant import ApplicationData
from shared.contracts.application import ExclusionDeclarations, RecommendationDecision, Stage
from shared.contracts.bounds import Code, FreeText, Name, SaneDatetime
from shared.rules.model import Category

ApplicationDraft = ApplicationData
"""A draft's body: one variant per category, chosen by `category`."""


class BatchCreate(BaseModel):
    code: str = Field(pattern=r"^[0-9]{4}-[0-9]{1,2}$", max_length=32, examples=["2020-5"])
    rule_set: Code = Field(examples=["2020-5"])
    title: Name = ""


class BatchWarning(BaseModel):
    code: str
    message: str
    message_zh: str


class BatchOut(BaseModel):
    code: str
    rule_set: str
    title: str
    created_at: datetime
    deadline: datetime | None = None
    """Packages must reach the ministry strictly before this instant (China time)."""
    warnings: list[BatchWarning] = []
    """What operators should know, e.g. reminders planned on estimated working days."""



class RuleSetOut(BaseModel):
    code: str
    title_zh: str
    title_en: str
    categories: list[Category]
    submission_deadline: datetime
    timezone: str
    quotas: dict[Category, int]


class ApplicationOut(BaseModel):
    id: str
    batch: str
    category: Category
    region: str
    applicant_name: str
    credit_code: str
    details: dict[str, Any]
    stage: Stage
    workflow_id: str
    created_at: datetime
    updated_at: datetime


class SubmitIn(BaseModel):
    declarations: ExclusionDeclarations


class RecommendationIn(BaseModel):
    decision: RecommendationDecision
    reason: FreeText = Field(default="", max_length=2000)


class AttachmentKind(StrEnum):
    SELF_EVALUATION = "self_evaluation"
    THIRD_PARTY_REPORT = "third_party_report"
    EVIDENCE = "evidence"
    OTHER = "other"


class AttachmentOut(BaseModel):
    id: str
    application_id: str
    kind: AttachmentKind
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class ExclusionUploadOut(BaseModel):
    id: str
    kind: str
    scope: str
    filename: str
    sha256: str
    row_count: int
    uploaded_by: str
    uploaded_at: datetime
    superseded_at: datetime | None = None
    rechecked: int = 0
    """Pending applications whose eligibility was checked again after this upload."""


class DeadlineIn(BaseModel):
    deadline: SaneDatetime = Field(
        description="the new deadline, with its offset (China time: +08:00)"
    )
    reason: FreeText = Field(default="", max_length=2000)


class InformationIn(BaseModel):
    answer: FreeText = Field(min_length=1, max_length=10000)
