"""Review's HTTP bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.contracts.application import CaseView, MinistryDecision


class DecisionIn(BaseModel):
    decision: MinistryDecision
    reason: str = Field(default="", max_length=2000)


class ListedUnitOut(BaseModel):
    application_id: str
    batch: str
    category: str
    region: str
    name: str
    credit_code: str
    status: str
    published_at: datetime


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
