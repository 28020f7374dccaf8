"""Intake's HTTP bodies. Cross-service contracts live in `shared.contracts`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.contracts.application import RecommendationDecision, Stage
from shared.identifiers import CreditCode
from shared.regions import RegionCode
from shared.rules.model import Category


class BatchCreate(BaseModel):
    code: str = Field(pattern=r"^[0-9]{4}-[0-9]{1,2}$", examples=["2020-5"])
    rule_set: str = Field(examples=["2020-5"])
    title: str = ""


class BatchOut(BaseModel):
    code: str
    rule_set: str
    title: str
    created_at: datetime


class ApplicationDraft(BaseModel):
    category: Category
    applicant_name: str = Field(min_length=2, max_length=200)
    credit_code: CreditCode
    region: RegionCode
    details: dict[str, Any] = Field(default_factory=dict)


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


class RecommendationIn(BaseModel):
    decision: RecommendationDecision
    reason: str = Field(default="", max_length=2000)
