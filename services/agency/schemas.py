"""Agency's HTTP bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.identifiers import CreditCode


class AgencyCreate(BaseModel):
    credit_code: CreditCode
    name: str = Field(min_length=2, max_length=200)
    profile: dict[str, Any] = Field(default_factory=dict)


class AgencyOut(BaseModel):
    id: str
    name: str
    profile: dict[str, Any]
    registered_at: datetime


class EngagementCreate(BaseModel):
    application_id: str
    agency_id: str


class EngagementOut(BaseModel):
    id: str
    application_id: str
    batch: str
    category: str
    applicant_credit_code: str
    agency_id: str
    status: str
    note: str
    requested_at: datetime
    decided_at: datetime | None


class AcceptanceIn(BaseModel):
    accept: bool = True
    note: str = Field(default="", max_length=2000)


class ReportIn(BaseModel):
    passed: bool
    score: float | None = Field(default=None, ge=0, le=100)
    summary: str = Field(default="", max_length=5000)
    details: dict[str, Any] = Field(default_factory=dict)
